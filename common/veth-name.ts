// The host-side veth name aws-cni derives from the pod (docs/REFERENCE.md §3;
// networkutils.GeneratePodHostVethName): the plugin names its links with it, the harness's cleanup
// finds them with it.
import { createHash } from "node:crypto";

/** prefix + first 11 hex chars of sha1("<namespace>.<name>"): at most 15 chars with a 4-char prefix. */
export function podHostVethName(prefix: string, podNamespace: string, podName: string): string {
  return prefix + createHash("sha1").update(`${podNamespace}.${podName}`).digest("hex").slice(0, 11);
}
