// What ADD and CHECK hand the dataplane, and the DelNetwork request ADD and DEL send, built from
// one invocation's arguments (one place, so the verbs cannot drift apart).
import type { ContainerId, IfName, Ipv4, NetnsPath, TableId } from "../../common/boundary/index.js";
import type { DelNetworkRequest } from "../../proto/rpc.js";
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import type { PodNetworkSpec } from "../dataplane/types.js";
import { podLabel } from "./ipamd-errors.js";
import { dummyIfName, hostVethPrefix, podHostVethName } from "./naming.js";
import { readPrevResult, type PrevFacts } from "./result.js";

/** The attachment's key, typed: the env table requires both for ADD, DEL and CHECK. */
export function attachmentOf(a: VerbArgs): { containerId: ContainerId; ifName: IfName } {
  const { containerId, ifName } = a.env;
  if (containerId === "" || ifName === "") {
    throw new CniError(CniCode.InvalidEnvironment, "required env variables [CNI_CONTAINERID,CNI_IFNAME] missing");
  }
  return { containerId, ifName };
}

/** CNI_NETNS, which ADD and CHECK require (the env table makes sure). */
export function netnsOf(a: VerbArgs): NetnsPath {
  if (a.env.netns === "") throw new CniError(CniCode.InvalidEnvironment, "required env variables [CNI_NETNS] missing");
  return a.env.netns;
}

/** What prevResult says about our attachment (undefined: none, or not ours); code 7 when it lies. */
export function prevFacts(a: VerbArgs): PrevFacts | undefined {
  const prev = a.conf.prevResult;
  if (prev === undefined) return undefined;
  const facts = readPrevResult(prev, a.env.ifName, dummyIfName(a.k8s.podNamespace, a.k8s.podName));
  if (facts.ok) return facts.value;
  throw new CniError(CniCode.InvalidNetworkConfig, "could not parse prevResult", { details: `${podLabel(a)}: ${facts.problem}` });
}

/** The pod's spec without the branch part (added by the caller for branch pods). */
export function basePodSpec(a: VerbArgs, isBranch: boolean, ipv4: Ipv4, routeTable: TableId): PodNetworkSpec {
  return {
    ...attachmentOf(a),
    netns: netnsOf(a),
    podNamespace: a.k8s.podNamespace,
    podName: a.k8s.podName,
    hostVethName: podHostVethName(hostVethPrefix(a.conf, isBranch), a.k8s.podNamespace, a.k8s.podName),
    mtu: a.conf.mtu,
    ipv4,
    routeTable,
  };
}

/** DelNetwork for this invocation; aws-cni sends the pod UID only on a pod's DEL (docs/REFERENCE.md §3). */
export function delRequest(a: VerbArgs, reason: string, podUid: string): DelNetworkRequest {
  return {
    K8S_POD_NAME: a.k8s.podName,
    K8S_POD_NAMESPACE: a.k8s.podNamespace,
    K8S_POD_INFRA_CONTAINER_ID: a.k8s.infraContainerId,
    Reason: reason,
    IfName: a.env.ifName,
    NetworkName: a.conf.name,
    ContainerID: a.env.containerId,
    ClientVersion: a.conf.ipamdClientVersion,
    K8S_POD_UID: podUid,
  };
}
