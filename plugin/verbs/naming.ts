// Names aws-cni derives from the pod (docs/REFERENCE.md §3; networkutils.GeneratePodHostVethName).
import { orThrow, parseIfName, type IfName } from "../../common/boundary/index.js";
import { CniCode, CniError } from "../cni/errors.js";
import type { NetConf } from "../cni/netconf.js";
import { podVethHash } from "../../common/veth-name.js";

/**
 * prefix + first 11 hex chars of sha1("<namespace>.<name>"): at most 15 chars with a 4-char prefix.
 * netconf checks vethPrefix, so this parse only hands out the IfName type.
 */
export function podHostVethName(prefix: string, podNamespace: string, podName: string): IfName {
  return orThrow(parseIfName(prefix + podVethHash(podNamespace, podName)), (p) => new CniError(CniCode.InvalidNetworkConfig, `vethPrefix gives an invalid host interface name: ${p}`));
}

/**
 * The result's last, purely virtual entry: its `mac` holds the VLAN id so DEL works from prevResult.
 * Never a link (16 characters, one more than a kernel name may have), so it is no IfName.
 */
export function dummyIfName(podNamespace: string, podName: string): string {
  return `dummy${podVethHash(podNamespace, podName)}`;
}

/** sgpp.BuildHostVethNamePrefix: strict-mode branch pods use `vlan`, everything else vethPrefix. */
export function hostVethPrefix(conf: NetConf, isBranch: boolean): string {
  return isBranch && conf.podSGEnforcingMode === "strict" ? "vlan" : conf.vethPrefix;
}
