// Names aws-cni derives from the pod (docs/REFERENCE.md §3; networkutils.GeneratePodHostVethName).
import { createHash } from "node:crypto";
import type { NetConf } from "../cni/netconf.js";

/** prefix + first 11 hex chars of sha1("<namespace>.<name>"): at most 15 chars with a 4-char prefix. */
export function podHostVethName(prefix: string, podNamespace: string, podName: string): string {
  return prefix + createHash("sha1").update(`${podNamespace}.${podName}`).digest("hex").slice(0, 11);
}

/** The result's last, purely virtual entry: its `mac` holds the VLAN id so DEL works from prevResult. */
export function dummyIfName(podNamespace: string, podName: string): string {
  return podHostVethName("dummy", podNamespace, podName);
}

/** sgpp.BuildHostVethNamePrefix: strict-mode branch pods use `vlan`, everything else vethPrefix. */
export function hostVethPrefix(conf: NetConf, isBranch: boolean): string {
  return isBranch && conf.podSGEnforcingMode === "strict" ? "vlan" : conf.vethPrefix;
}
