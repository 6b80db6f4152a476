// containerd-like sandbox runtime (network part of RunPodSandbox / StopPodSandbox / RemovePodSandbox).

export { cniArgs, createCniSandboxRuntime, ipsOn } from "./sandbox.js";
export type { CniSandboxOptions, SandboxCall } from "./sandbox.js";
