// A controllable rpc.CNIBackend on a temp Unix socket for plugin tests: records every request and
// answers with what the test decides (ordinary IPs by default, branch replies, failures).
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";
import { PROTO_LOADER_OPTIONS } from "../../proto/rpc.js";
import { REPO_ROOT } from "./libcni.js";

export interface StubIpamdOptions {
  /** Reply to AddNetwork; default: an address of 10.212.0.0/16 on the primary ENI (main table). */
  onAdd?: (req: AddNetworkRequest, n: number) => Partial<AddNetworkReply>;
}

export interface StubIpamd {
  address: string;
  adds: AddNetworkRequest[];
  dels: DelNetworkRequest[];
  stop(): Promise<void>;
}

type Handler<Req, Res> = (call: { request: Req }, cb: (e: grpc.ServiceError | null, r?: Res) => void) => void;

export async function startStubIpamd(opts: StubIpamdOptions = {}): Promise<StubIpamd> {
  const dir = mkdtempSync(join(tmpdir(), "stub-ipamd-"));
  const def = protoLoader.loadSync(join(REPO_ROOT, "proto", "rpc.proto"), PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as unknown as { rpc: { CNIBackend: { service: grpc.ServiceDefinition } } };
  const adds: AddNetworkRequest[] = [];
  const dels: DelNetworkRequest[] = [];
  const leases = new Map<string, string>();
  const key = (r: { NetworkName: string; ContainerID: string; IfName: string }): string => `${r.NetworkName}/${r.ContainerID}/${r.IfName}`;
  const AddNetwork: Handler<AddNetworkRequest, Partial<AddNetworkReply>> = ({ request }, cb) => {
    adds.push(request);
    const ip = `10.212.0.${adds.length + 1}`;
    leases.set(key(request), ip);
    const base = { Success: true, IPAllocationMetadata: [{ IPv4Addr: ip, IPv6Addr: "", DeviceNumber: 0, RouteTableId: 254 }], VPCv4CIDRs: ["10.212.0.0/16"] };
    cb(null, { ...base, ...(opts.onAdd?.(request, adds.length) ?? {}) });
  };
  const DelNetwork: Handler<DelNetworkRequest, Partial<DelNetworkReply>> = ({ request }, cb) => {
    dels.push(request);
    const ip = leases.get(key(request));
    leases.delete(key(request));
    // ipamd's answer for a container it does not know (docs/REFERENCE.md §1, step 5).
    if (ip === undefined) cb({ code: grpc.status.UNKNOWN, details: "datastore: unknown pod", message: "datastore: unknown pod", name: "Error", metadata: new grpc.Metadata() });
    else cb(null, { Success: true, IPAllocationMetadata: [{ IPv4Addr: ip, IPv6Addr: "", DeviceNumber: 0, RouteTableId: 254 }] });
  };
  const server = new grpc.Server();
  server.addService(pkg.rpc.CNIBackend.service, { AddNetwork, DelNetwork } as unknown as grpc.UntypedServiceImplementation);
  const address = `unix://${join(dir, "ipamd.sock")}`;
  await new Promise<void>((res, rej) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  return {
    address,
    adds,
    dels,
    stop: () =>
      new Promise<void>((res) => {
        server.forceShutdown();
        rmSync(dir, { recursive: true, force: true });
        res();
      }),
  };
}
