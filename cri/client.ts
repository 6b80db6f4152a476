// A containerd CRI runtime.v1 client (RuntimeService + ImageService subset) over its Unix socket,
// as kubelet calls it: every call has a deadline, and an AbortSignal can cancel it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Metadata, credentials, loadPackageDefinition } from "@grpc/grpc-js";
import type { Client, ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { HarnessError } from "../common/errors.js";
import { unaryCall } from "./call.js";
import type { CallOptions } from "./call.js";
import type * as T from "./types.js";

export interface CriClientOptions {
  /** containerd's grpc socket path (or a "unix://" address). */
  socket: string;
  /** Default deadline of a call; RunPodSandbox includes the CNI ADD, so keep it generous. */
  defaultTimeoutMs?: number;
  /** proto/cri/runtime_v1.proto; found next to the sources or next to dist/ by default. */
  protoPath?: string;
}

/** Finds the proto both from cri/ (sources) and from dist/cri/ (compiled). */
export function defaultProtoPath(): string {
  for (const rel of ["../proto/cri/runtime_v1.proto", "../../proto/cri/runtime_v1.proto"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new HarnessError("not-found", "proto/cri/runtime_v1.proto not found next to cri/ or dist/cri/");
}

function loadServices(protoPath: string): { runtime: ServiceClientConstructor; image: ServiceClientConstructor } {
  const def = loadSync(protoPath, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  const pkg = loadPackageDefinition(def) as unknown as {
    runtime: { v1: { RuntimeService: ServiceClientConstructor; ImageService: ServiceClientConstructor } };
  };
  return { runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
}

export class CriClient {
  readonly #runtime: Client;
  readonly #image: Client;
  readonly #timeoutMs: number;

  constructor(opts: CriClientOptions) {
    const svc = loadServices(opts.protoPath ?? defaultProtoPath());
    const target = opts.socket.startsWith("unix:") ? opts.socket : `unix://${opts.socket}`;
    this.#runtime = new svc.runtime(target, credentials.createInsecure());
    this.#image = new svc.image(target, credentials.createInsecure());
    this.#timeoutMs = opts.defaultTimeoutMs ?? 60_000;
  }

  #call<Res>(client: Client, method: string, req: unknown, o: CallOptions | undefined): Promise<Res> {
    return unaryCall<Res>(client, method, req, new Metadata(), o?.timeoutMs ?? this.#timeoutMs, o?.signal);
  }

  version(o?: CallOptions): Promise<T.VersionResponse> {
    return this.#call(this.#runtime, "version", { version: "v1" }, o);
  }

  async status(o?: CallOptions): Promise<T.RuntimeCondition[]> {
    const res = await this.#call<{ status: { conditions: T.RuntimeCondition[] } | null }>(this.#runtime, "status", {}, o);
    return res.status?.conditions ?? [];
  }

  /** Returns the new sandbox id. The CNI ADD runs inside this call. */
  async runPodSandbox(config: T.PodSandboxConfig, o?: CallOptions & { runtimeHandler?: string }): Promise<string> {
    const req = { config, runtimeHandler: o?.runtimeHandler ?? "" };
    const res = await this.#call<{ podSandboxId: string }>(this.#runtime, "runPodSandbox", req, o);
    return res.podSandboxId;
  }

  /** Stops the sandbox: containerd runs the CNI DEL here (with the netns still present). */
  async stopPodSandbox(id: string, o?: CallOptions): Promise<void> {
    await this.#call(this.#runtime, "stopPodSandbox", { podSandboxId: id }, o);
  }

  /** Removes the sandbox: containerd runs a second CNI DEL, with an empty CNI_NETNS. */
  async removePodSandbox(id: string, o?: CallOptions): Promise<void> {
    await this.#call(this.#runtime, "removePodSandbox", { podSandboxId: id }, o);
  }

  podSandboxStatus(id: string, o?: CallOptions & { verbose?: boolean }): Promise<T.PodSandboxStatusResponse> {
    return this.#call(this.#runtime, "podSandboxStatus", { podSandboxId: id, verbose: o?.verbose ?? false }, o);
  }

  async listPodSandbox(filter?: T.PodSandboxFilter, o?: CallOptions): Promise<T.PodSandbox[]> {
    const res = await this.#call<{ items: T.PodSandbox[] }>(this.#runtime, "listPodSandbox", filter ? { filter } : {}, o);
    return res.items;
  }

  async createContainer(
    podSandboxId: string,
    config: T.ContainerConfig,
    sandboxConfig: T.PodSandboxConfig,
    o?: CallOptions,
  ): Promise<string> {
    const req = { podSandboxId, config, sandboxConfig };
    const res = await this.#call<{ containerId: string }>(this.#runtime, "createContainer", req, o);
    return res.containerId;
  }

  async startContainer(id: string, o?: CallOptions): Promise<void> {
    await this.#call(this.#runtime, "startContainer", { containerId: id }, o);
  }

  async stopContainer(id: string, graceSeconds: number, o?: CallOptions): Promise<void> {
    await this.#call(this.#runtime, "stopContainer", { containerId: id, timeout: graceSeconds }, o);
  }

  async removeContainer(id: string, o?: CallOptions): Promise<void> {
    await this.#call(this.#runtime, "removeContainer", { containerId: id }, o);
  }

  async containerStatus(id: string, o?: CallOptions): Promise<T.ContainerStatus | null> {
    const res = await this.#call<{ status: T.ContainerStatus | null }>(this.#runtime, "containerStatus", { containerId: id }, o);
    return res.status;
  }

  async listContainers(podSandboxId: string, o?: CallOptions): Promise<T.Container[]> {
    const req = { filter: { podSandboxId } };
    const res = await this.#call<{ containers: T.Container[] }>(this.#runtime, "listContainers", req, o);
    return res.containers;
  }

  /** Runs cmd in a running container; timeoutSeconds bounds the command inside containerd. */
  execSync(id: string, cmd: string[], timeoutSeconds: number, o?: CallOptions): Promise<T.ExecSyncResult> {
    return this.#call(this.#runtime, "execSync", { containerId: id, cmd, timeout: timeoutSeconds }, o);
  }

  async imageStatus(image: string, o?: CallOptions): Promise<T.ImageInfo | null> {
    const res = await this.#call<{ image: T.ImageInfo | null }>(this.#image, "imageStatus", { image: { image } }, o);
    return res.image;
  }

  close(): void {
    this.#runtime.close();
    this.#image.close();
  }
}
