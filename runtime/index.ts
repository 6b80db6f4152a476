// The container runtime side's public entry point (containerd + libcni + kubelet, as on a node):
// what the harness and tests may use; everything else under runtime/ is internal.

export * from "./kubelet/index.js";
export { cniArgs, createCniSandboxRuntime, ipsOn } from "./containerd/index.js";
export type { CniSandboxOptions, SandboxCall } from "./containerd/index.js";
export { createCniRuntime, loadConfDir, loopbackList } from "./libcni/index.js";
export type { CniRuntime, NetworkConfigList } from "./libcni/index.js";
export { fakeNetns, isRoot, realNetns, showAddress } from "./netns.js";
export type { NetnsManager } from "./netns.js";
export { withNetworkGc } from "./network-gc.js";
export type { GcSandboxRuntime, NetworkGcOptions } from "./network-gc.js";
