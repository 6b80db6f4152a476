// Loads proto/rpc.proto and proto/harness.proto with the shared loader options; finds the proto
// directory from this file whether it runs from source (ipamd/server) or from dist/ipamd/server.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { PROTO_LOADER_OPTIONS } from "../../proto/rpc.js";

export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "proto", "rpc.proto"))) return join(dir, "proto");
    dir = dirname(dir);
  }
  throw new Error(`proto/rpc.proto not found above ${fileURLToPath(import.meta.url)}`);
}

export interface LoadedProtos {
  cniBackend: grpc.ServiceClientConstructor;
  control: grpc.ServiceClientConstructor;
}

let cached: LoadedProtos | undefined;

export function loadProtos(): LoadedProtos {
  if (cached !== undefined) return cached;
  const dir = protoDir();
  const def = protoLoader.loadSync([join(dir, "rpc.proto"), join(dir, "harness.proto")], { ...PROTO_LOADER_OPTIONS });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    rpc: { CNIBackend: grpc.ServiceClientConstructor };
    harness: { v1: { Control: grpc.ServiceClientConstructor } };
  };
  cached = { cniBackend: pkg.rpc.CNIBackend, control: pkg.harness.v1.Control };
  return cached;
}

/** "unix:///path" or "unix:/path" or "host:port" -> the target grpc-js understands. */
export function grpcTarget(address: string): string {
  if (address.startsWith("unix://")) return `unix://${address.slice("unix://".length)}`;
  return address;
}
