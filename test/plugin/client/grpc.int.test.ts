// The grpc-js ipamd client against a real gRPC server on a temp Unix socket: round trips, the
// failure note in trailers, error mapping, unreachable daemon, deadline, abort, health.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIpamdClient } from "../../../plugin/client/grpc.js";
import { createH2IpamdClient } from "../../../plugin/client/h2.js";
import {
  FAILURE_DETAILS_KEY,
  FAILURE_REASON_KEY,
  GrpcStatus,
  IpamdError,
  type IpamdClient,
  type IpamdClientOptions,
} from "../../../plugin/client/types.js";
import { CLIENT_VERSION, HEALTH_SERVICE } from "../../../proto/rpc.js";
import { startTestServer, type TestServer } from "./test-server.js";

const req = {
  K8S_POD_NAME: "web-1",
  K8S_POD_NAMESPACE: "default",
  K8S_POD_INFRA_CONTAINER_ID: "c0ffee",
  Netns: "/var/run/netns/x",
  IfName: "eth0",
  NetworkName: "aws-cni",
  ContainerID: "c0ffee",
  ClientVersion: CLIENT_VERSION,
  RequiresMultiNICAttachment: false,
};
const delReq = {
  K8S_POD_NAME: "web-1",
  K8S_POD_NAMESPACE: "default",
  K8S_POD_INFRA_CONTAINER_ID: "c0ffee",
  Reason: "PodDeleted",
  IfName: "eth0",
  NetworkName: "aws-cni",
  ContainerID: "c0ffee",
  ClientVersion: CLIENT_VERSION,
  K8S_POD_UID: "uid-1",
};

const TRANSPORTS: [string, (o: IpamdClientOptions) => IpamdClient][] = [
  ["grpc-js", createIpamdClient],
  ["http2", createH2IpamdClient],
];

async function rejection(p: Promise<unknown>): Promise<IpamdError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IpamdError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe.each(TRANSPORTS)("ipamd client over %s", (_name, createClient) => {
  let server: TestServer;
  let client: IpamdClient;

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ address: server.address, timeoutMs: 2000 });
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it("AddNetwork round trip: the server decodes exactly what we sent", async () => {
    server.onAdd = () => ({
      Success: true,
      IPAllocationMetadata: [{ IPv4Addr: "10.1.2.3", IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 }],
      PodVlanId: 3,
      PodENIMAC: "06:00:00:00:00:03",
      PodENISubnetGW: "10.1.2.1",
      ParentIfIndex: 9,
    });
    const r = await client.addNetwork(req);
    expect(server.adds.at(-1)).toEqual(req);
    expect(r).toMatchObject({ Success: true, PodVlanId: 3, ParentIfIndex: 9, IPAllocationMetadata: [{ IPv4Addr: "10.1.2.3", DeviceNumber: -1 }] });
    expect(r.note).toBeUndefined();
  });

  it("Success=false carries the daemon's reason from the trailers", async () => {
    server.onAdd = () => ({ Success: false, trailers: { [FAILURE_REASON_KEY]: "branch-eni-not-ready", [FAILURE_DETAILS_KEY]: "provisioning since 0.2s" } });
    const r = await client.addNetwork(req);
    expect(r.Success).toBe(false);
    expect(r.note).toEqual({ reason: "branch-eni-not-ready", details: "provisioning since 0.2s" });
  });

  it("DelNetwork sends the UID; a gRPC error keeps the daemon's text", async () => {
    const e = await rejection(client.delNetwork(delReq));
    expect(server.dels.at(-1)).toEqual(delReq);
    expect(e.grpcCode).toBe(GrpcStatus.UNKNOWN);
    expect(e.grpcDetails).toBe("datastore: unknown pod");
    expect(e.unreachable).toBe(false);
  });

  it("a deadline bounds a daemon that never answers", async () => {
    server.onAdd = () => ({ hang: true });
    const quick = createClient({ address: server.address, timeoutMs: 200 });
    const e = await rejection(quick.addNetwork(req));
    quick.close();
    expect(e.grpcCode).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    expect(e.unreachable).toBe(true);
  });

  it("an AbortSignal cancels the call", async () => {
    server.onAdd = () => ({ hang: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await rejection(client.addNetwork(req, ac.signal));
    expect(e.grpcCode).toBe(GrpcStatus.CANCELLED);
  });

  it("no daemon on the socket: UNAVAILABLE at once (not at the deadline), naming the address", async () => {
    // A 1-hour deadline: the call must end on the connect failure itself, never on the deadline.
    const gone = createClient({ address: "unix:///tmp/h1-no-such-dir/ipamd.sock", timeoutMs: 3_600_000 });
    const e = await rejection(gone.addNetwork(req));
    gone.close();
    expect(e.grpcCode).toBe(grpc.status.UNAVAILABLE);
    expect(e.unreachable).toBe(true);
    expect(e.address).toBe("unix:///tmp/h1-no-such-dir/ipamd.sock");
    expect(e.message).toMatch(/^rpc error: code = Unavailable desc = \S/);
    expect(e.message).not.toMatch(/Resolution note:\s*$/);
  });

  it("also speaks to a daemon on host:port (TCP, as ipamd up to v1.22)", async () => {
    const tcp = await startTestServer("tcp");
    const c = createClient({ address: tcp.address, timeoutMs: 2000 });
    try {
      tcp.onAdd = () => ({ Success: true, IPAllocationMetadata: [{ IPv4Addr: "10.9.9.9", IPv6Addr: "", DeviceNumber: 0, RouteTableId: 1 }] });
      expect((await c.addNetwork(req)).IPAllocationMetadata[0]?.IPv4Addr).toBe("10.9.9.9");
      expect(tcp.address).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      c.close();
      await tcp.stop();
    }
  });

  it("health: SERVING, then NOT_SERVING", async () => {
    expect(await client.isServing(HEALTH_SERVICE)).toBe(true);
    server.setHealth("NOT_SERVING");
    expect(await client.isServing(HEALTH_SERVICE)).toBe(false);
    server.setHealth("SERVING");
    const e = await rejection(client.isServing("no.such.service"));
    expect(e.grpcCode).toBe(GrpcStatus.NOT_FOUND);
  });
});
