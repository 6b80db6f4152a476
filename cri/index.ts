// The CRI client's public surface.
export { CriClient, defaultProtoPath } from "./client.js";
export type { CriClientOptions } from "./client.js";
export { grpcCodeOf, grpcDetailsOf } from "./call.js";
export type { CallOptions } from "./call.js";
export { containerConfig, podSandboxConfig } from "./pod.js";
export type { PodSpec } from "./pod.js";
export type * from "./types.js";
export { createCriSandboxRuntime } from "./sandbox-runtime.js";
export type { CriSandboxRuntimeOptions } from "./sandbox-runtime.js";
