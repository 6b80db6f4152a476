// The kubelet pod loop (in progress; the API in types.ts is stable).

import type { Kubelet, KubeletDeps } from "./types.js";

export function createKubelet(_deps: KubeletDeps): Kubelet {
  throw new Error("createKubelet: not implemented yet");
}
