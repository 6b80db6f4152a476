// The CRI client against an in-process fake runtime.v1 server on a Unix socket: requests arrive
// with the real field names, containerd's error text survives, deadlines and aborts end calls.
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { Server, ServerCredentials, loadPackageDefinition, status } from "@grpc/grpc-js";
import type { ServiceClientConstructor, ServiceError, sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CriClient, defaultProtoPath, grpcCodeOf, grpcDetailsOf, podSandboxConfig } from "../../cri/index.js";
import { isHarnessError } from "../../common/errors.js";

type Handler = (call: ServerUnaryCall<Record<string, unknown>, unknown>, cb: sendUnaryData<unknown>) => void;

const SETUP_ERROR =
  'failed to setup network for sandbox "abc": plugin type="mock-vpc-cni" name="mock-vpc-cni" failed (add): add cmd: failed to assign an IP address to container';

describe("CriClient", () => {
  let dir: string;
  let server: Server;
  let cri: CriClient;
  const seen: Record<string, unknown>[] = [];

  beforeAll(async () => {
    dir = await mkdtemp("/tmp/vch-cri-");
    const def = loadSync(defaultProtoPath(), { keepCase: false, longs: Number, enums: String, defaults: true });
    const pkg = loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: ServiceClientConstructor } } };
    const handlers: Record<string, Handler> = {
      runPodSandbox: (call, cb) => {
        seen.push(call.request);
        const meta = (call.request["config"] as { metadata: { name: string } }).metadata;
        if (meta.name === "sgp") cb({ code: status.UNKNOWN, details: SETUP_ERROR } as ServiceError, null);
        else cb(null, { podSandboxId: "f".repeat(64) });
      },
      version: (_call, cb) => void setTimeout(() => cb(null, { version: "0.1.0", runtimeName: "fake" }), 2_000),
    };
    server = new Server();
    server.addService(pkg.runtime.v1.RuntimeService.service, handlers as never);
    const socket = join(dir, "cri.sock");
    await new Promise<void>((res, rej) => server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
    cri = new CriClient({ socket, defaultTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    cri?.close();
    server?.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it("sends the sandbox config with the pod network namespace and returns the id", async () => {
    const id = await cri.runPodSandbox(podSandboxConfig({ namespace: "ns", name: "p", uid: "u", attempt: 2 }), { runtimeHandler: "bridge" });
    expect(id).toBe("f".repeat(64));
    const req = seen.at(-1) as { runtimeHandler: string; config: { metadata: object; linux: { securityContext: { namespaceOptions: { network: string } } } } };
    expect(req.runtimeHandler).toBe("bridge");
    expect(req.config.metadata).toEqual({ name: "p", uid: "u", namespace: "ns", attempt: 2 });
    expect(req.config.linux.securityContext.namespaceOptions.network).toBe("POD");
  });

  it("keeps containerd's error text and the gRPC code", async () => {
    const err = await cri.runPodSandbox(podSandboxConfig({ namespace: "ns", name: "sgp", uid: "u" })).catch((e: unknown) => e);
    expect(isHarnessError(err)).toBe(true);
    expect((err as Error).message).toBe(`CRI runPodSandbox: ${SETUP_ERROR}`);
    expect(grpcCodeOf(err)).toBe(status.UNKNOWN);
    expect(grpcDetailsOf(err)).toBe(SETUP_ERROR);
  });

  it("ends a call at its deadline", async () => {
    const err = await cri.version({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(grpcCodeOf(err)).toBe(status.DEADLINE_EXCEEDED);
  });

  it("ends a call when its signal aborts, with the signal's reason", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("test gave up")), 100);
    await expect(cri.version({ signal: ac.signal })).rejects.toThrow("test gave up");
  });
});
