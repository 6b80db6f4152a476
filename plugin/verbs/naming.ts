// Names aws-cni derives from the pod (docs/REFERENCE.md §3; networkutils.GeneratePodHostVethName).
import { podHostVethName } from "../../common/veth-name.js";
import type { NetConf } from "../cni/netconf.js";

export { podHostVethName };

/** The result's last, purely virtual entry: its `mac` holds the VLAN id so DEL works from prevResult. */
export function dummyIfName(podNamespace: string, podName: string): string {
  return podHostVethName("dummy", podNamespace, podName);
}

/** sgpp.BuildHostVethNamePrefix: strict-mode branch pods use `vlan`, everything else vethPrefix. */
export function hostVethPrefix(conf: NetConf, isBranch: boolean): string {
  return isBranch && conf.podSGEnforcingMode === "strict" ? "vlan" : conf.vethPrefix;
}
