// The host-side veth name aws-cni derives from the pod (docs/REFERENCE.md §3;
// networkutils.GeneratePodHostVethName): the plugin names its links with it, the harness's cleanup
// finds them with it. Hashed by common/hash.ts, which keeps node:crypto off the plugin's start-up.
import { sha1Hex } from "./hash.js";

/** The first 11 hex chars of sha1("<namespace>.<name>"): the part of the name taken from the pod. */
export function podVethHash(podNamespace: string, podName: string): string {
  return sha1Hex(`${podNamespace}.${podName}`).slice(0, 11);
}

/** prefix + podVethHash: at most 15 chars with a 4-char prefix. */
export function podHostVethName(prefix: string, podNamespace: string, podName: string): string {
  return prefix + podVethHash(podNamespace, podName);
}
