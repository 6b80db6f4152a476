// A minimal rpc.CNIBackend for the benchmark when mock-ipamd is not built: hands out IPs of
// 10.250.0.0/16 (main table) and accepts every release; the wire format is the real rpc.proto.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { join } from "node:path";

const LOADER = { keepCase: true, longs: Number, enums: String, defaults: true, arrays: true, objects: true, oneofs: true };

/** Starts the stub on unix://<socketPath>; resolves to { address, stop }. */
export async function startStubIpamd(repoRoot, socketPath) {
  const def = protoLoader.loadSync(join(repoRoot, "proto", "rpc.proto"), LOADER);
  const rpc = grpc.loadPackageDefinition(def).rpc;
  const server = new grpc.Server();
  const leases = new Map();
  let next = 2;
  server.addService(rpc.CNIBackend.service, {
    AddNetwork(call, cb) {
      const key = `${call.request.NetworkName}/${call.request.ContainerID}/${call.request.IfName}`;
      if (!leases.has(key)) leases.set(key, `10.250.${Math.floor(next / 250)}.${(next++ % 250) + 2}`);
      cb(null, { Success: true, IPAllocationMetadata: [{ IPv4Addr: leases.get(key), DeviceNumber: 0, RouteTableId: 254 }], VPCv4CIDRs: ["10.250.0.0/16"] });
    },
    DelNetwork(call, cb) {
      const key = `${call.request.NetworkName}/${call.request.ContainerID}/${call.request.IfName}`;
      const ip = leases.get(key);
      leases.delete(key);
      if (ip === undefined) cb({ code: grpc.status.UNKNOWN, details: "datastore: unknown pod" });
      else cb(null, { Success: true, IPAllocationMetadata: [{ IPv4Addr: ip, DeviceNumber: 0, RouteTableId: 254 }] });
    },
  });
  const address = `unix://${socketPath}`;
  await new Promise((res, rej) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  return { address, kind: "stub", stop: () => new Promise((res) => server.tryShutdown(() => res())) };
}
