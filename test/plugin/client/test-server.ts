// A scriptable rpc.CNIBackend + grpc.health.v1 server on a temp Unix socket, loaded with
// @grpc/proto-loader from proto/rpc.proto (an independent decoder to check our hand-written codec).
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../../proto/rpc.js";
import { HEALTH_SERVICE, PROTO_LOADER_OPTIONS } from "../../../proto/rpc.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export type Answer<T> = T | { error: { code: number; details: string }; trailers?: Record<string, string> } | { hang: true };
export type Script<Req, Res> = (req: Req) => Answer<Partial<Res>> & { trailers?: Record<string, string> };

export interface TestServer {
  address: string;
  socketPath: string;
  adds: AddNetworkRequest[];
  dels: DelNetworkRequest[];
  onAdd: Script<AddNetworkRequest, AddNetworkReply>;
  onDel: Script<DelNetworkRequest, DelNetworkReply>;
  setHealth(status: ServingStatus): void;
  stop(): Promise<void>;
}

export function okAdd(ip: string): Partial<AddNetworkReply> {
  return { Success: true, IPAllocationMetadata: [{ IPv4Addr: ip, IPv6Addr: "", DeviceNumber: 0, RouteTableId: 1 }] };
}

type Cb = (e: Partial<grpc.StatusObject> | null, r?: unknown, trailer?: grpc.Metadata) => void;

function reply<Req>(script: (r: Req) => Answer<unknown> & { trailers?: Record<string, string> }, req: Req, cb: Cb): void {
  const a = script(req);
  if (typeof a === "object" && a !== null && "hang" in a) return;
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(a.trailers ?? {})) md.set(k, v);
  if (typeof a === "object" && a !== null && "error" in a) {
    const error = a.error as { code: grpc.status; details: string };
    cb({ code: error.code, details: error.details, metadata: md });
    return;
  }
  const { trailers: _t, ...body } = a as Record<string, unknown>;
  cb(null, body, md);
}

/** `tcp` listens on 127.0.0.1 with a free port (the address is then `127.0.0.1:<port>`). */
export async function startTestServer(listen: "unix" | "tcp" = "unix"): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "h1-ipamd-"));
  const def = protoLoader.loadSync(join(REPO, "proto", "rpc.proto"), PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as unknown as { rpc: { CNIBackend: { service: grpc.ServiceDefinition } } };
  const health = new HealthImplementation({ "": "SERVING", [HEALTH_SERVICE]: "SERVING" });
  const server = new grpc.Server();
  const socketPath = join(dir, "ipamd.sock");
  const s: TestServer = {
    address: `unix://${socketPath}`,
    socketPath,
    adds: [],
    dels: [],
    onAdd: () => okAdd(`10.0.0.${s.adds.length}`),
    onDel: () => ({ error: { code: grpc.status.UNKNOWN, details: "datastore: unknown pod" } }),
    setHealth: (st) => health.setStatus(HEALTH_SERVICE, st),
    stop: async () => {
      server.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  server.addService(pkg.rpc.CNIBackend.service, {
    AddNetwork: (call: { request: AddNetworkRequest }, cb: Cb) => {
      s.adds.push(call.request);
      reply(s.onAdd, call.request, cb);
    },
    DelNetwork: (call: { request: DelNetworkRequest }, cb: Cb) => {
      s.dels.push(call.request);
      reply(s.onDel, call.request, cb);
    },
  } as unknown as grpc.UntypedServiceImplementation);
  health.addToServer(server);
  const bindTo = listen === "tcp" ? "127.0.0.1:0" : s.address;
  const port = await new Promise<number>((res, rej) => server.bindAsync(bindTo, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  if (listen === "tcp") s.address = `127.0.0.1:${port}`;
  return s;
}
