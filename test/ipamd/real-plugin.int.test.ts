// The real aws-cni plugin's requests against mock-ipamd (issue #10, item 7), played byte for byte:
// AddNetworkRequest and DelNetworkRequest hand-encoded from rpc.proto's field numbers
// (docs/REFERENCE.md §2) the way a release build of aws-cni v1.20 sends them: ClientVersion ""
// (proto3 leaves an empty string off the wire), the pod UID only on DEL (docs/REFERENCE.md §3).
// The replies are decoded with protobufjs from proto/rpc.proto, independent of our own codec.
import { connect, type ClientHttp2Session } from "node:http2";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startDaemon, type StartedDaemon } from "../helpers/daemon.js";

/** One length-delimited field (wire type 2) with a short value: tag, length, UTF-8 bytes. */
function field(no: number, value: string): number[] {
  const bytes = [...Buffer.from(value, "utf8")];
  if (bytes.length === 0) return []; // proto3: an empty string is not sent
  if (bytes.length > 127) throw new Error("test values stay below 128 bytes (one-byte length)");
  return [(no << 3) | 2, bytes.length, ...bytes];
}

interface Pod {
  namespace: string;
  name: string;
  /** kubelet's uid of the pod (what CNI_ARGS K8S_POD_UID carries). */
  uid: string;
}

/** cmd/routed-eni-cni-plugin/cni.go add(): fields 1-8; ClientVersion "" and RequiresMultiNICAttachment false are omitted. */
function addRequest(pod: Pod, sandbox: string): Buffer {
  return Buffer.from([
    ...field(1, pod.name), ...field(2, pod.namespace), ...field(3, sandbox), ...field(4, `/var/run/netns/cni-${sandbox}`),
    ...field(5, "eth0"), ...field(6, "aws-cni"), ...field(7, sandbox), ...field(8, ""),
  ]);
}

/** cni.go del(): fields 1-3, Reason 5, IfName 6, NetworkName 7, ContainerID 8, ClientVersion 9 (""), K8S_POD_UID 10. */
function delRequest(pod: Pod, sandbox: string): Buffer {
  return Buffer.from([
    ...field(1, pod.name), ...field(2, pod.namespace), ...field(3, sandbox), ...field(5, "PodDeleted"),
    ...field(6, "eth0"), ...field(7, "aws-cni"), ...field(8, sandbox), ...field(9, ""), ...field(10, pod.uid),
  ]);
}

type Answer = { status: string; message: string; reply?: Record<string, unknown> };

describe("the real plugin's requests, byte for byte, against mock-ipamd", () => {
  let daemon: StartedDaemon;
  let session: ClientHttp2Session;
  let root: protobuf.Root;

  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--sgp-namespace", "sgp", "--provisioning-delay", "200ms"] });
    session = connect("http://localhost", { createConnection: () => netConnect(daemon.socketPath) });
    root = await protobuf.load(join(REPO_ROOT, "proto", "rpc.proto"));
  });

  afterAll(async () => {
    session?.close();
    await daemon?.stop();
  });

  /** One unary call with the given message bytes, as grpc-go frames it. */
  function call(method: "AddNetwork" | "DelNetwork", message: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = session.request({ ":method": "POST", ":path": `/rpc.CNIBackend/${method}`, "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      let meta: Record<string, unknown> = {};
      req.on("response", (h) => (meta = { ...meta, ...h }));
      req.on("trailers", (h) => (meta = { ...meta, ...h }));
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("error", reject);
      req.on("close", () => {
        const body = Buffer.concat(chunks);
        const type = root.lookupType(`rpc.${method === "AddNetwork" ? "AddNetworkReply" : "DelNetworkReply"}`);
        const reply = body.length >= 5 ? (type.toObject(type.decode(body.subarray(5)), { defaults: true }) as Record<string, unknown>) : undefined;
        resolve({ status: String(meta["grpc-status"]), message: decodeURIComponent(String(meta["grpc-message"] ?? "")), ...(reply === undefined ? {} : { reply }) });
      });
      const frame = Buffer.alloc(5 + message.length);
      frame.writeUInt32BE(message.length, 1);
      message.copy(frame, 5);
      req.end(frame);
    });
  }

  it("an ordinary pod first seen at its ADD: ADD gets an IP, the DEL with kubelet's uid releases it", async () => {
    const pod = { namespace: "default", name: "web-1", uid: "6b1c2f1e-0000-4000-8000-000000000001" };
    const add = await call("AddNetwork", addRequest(pod, "a1b2c3d4e5f6"));
    expect(add).toMatchObject({ status: "0", reply: { Success: true } });
    const ip = (add.reply?.IPAllocationMetadata as { IPv4Addr: string }[])[0]?.IPv4Addr;
    expect(ip).toMatch(/^10\./);
    const del = await call("DelNetwork", delRequest(pod, "a1b2c3d4e5f6"));
    expect(del).toMatchObject({ status: "0", reply: { Success: true, IPAllocationMetadata: [{ IPv4Addr: ip }] } });
    expect((await daemon.control.ListLeases({})).leases ?? []).toEqual([]);
  });

  it("an SGP pod: the first ADD fails, the DEL is `unknown pod`, the retry gets the branch ENI, and the DEL with kubelet's uid hands it back", async () => {
    const pod = { namespace: "sgp", name: "db-1", uid: "6b1c2f1e-0000-4000-8000-000000000002" };
    const allocated = new Promise<void>((resolve) => {
      const stream = daemon.control.WatchEvents({ send_initial: true });
      stream.on("data", (e: { reason: string; involved_object?: { name: string } }) => {
        if (e.reason === "ResourceAllocated" && e.involved_object?.name === pod.name) {
          stream.cancel();
          resolve();
        }
      });
      stream.on("error", () => {});
    });
    const first = await call("AddNetwork", addRequest(pod, "f1f1f1f1f1f1"));
    expect(first).toMatchObject({ status: "0", reply: { Success: false } });
    // containerd's DEL after the failed ADD, no prevResult: ipamd answers `datastore: unknown pod`.
    expect(await call("DelNetwork", delRequest(pod, "f1f1f1f1f1f1"))).toMatchObject({ status: "2", message: "datastore: unknown pod" });
    await allocated;
    const retry = await call("AddNetwork", addRequest(pod, "e2e2e2e2e2e2"));
    expect(retry).toMatchObject({ status: "0", reply: { Success: true, PodVlanId: expect.any(Number) } });
    const vlan = retry.reply?.PodVlanId as number;
    expect(vlan).toBeGreaterThan(0);
    // The real plugin's DEL carries kubelet's uid, which the daemon never saw at ADD (no uid there).
    const del = await call("DelNetwork", delRequest(pod, "e2e2e2e2e2e2"));
    expect(del).toMatchObject({ status: "0", reply: { Success: true, PodVlanId: vlan } });
  });

  it("a ClientVersion other than the daemon's is FAILED_PRECONDITION, naming both", async () => {
    const pod = { namespace: "default", name: "web-2", uid: "u" };
    const bytes = Buffer.concat([addRequest(pod, "c9c9c9c9c9c9"), Buffer.from(field(8, "v1.20.5"))]);
    expect(await call("AddNetwork", bytes)).toMatchObject({ status: "9", message: 'wrong client version "v1.20.5" (!= "")' });
  });
});
