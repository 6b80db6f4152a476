// What ADD and CHECK hand the dataplane, and the DelNetwork request ADD and DEL send, built from
// one invocation's arguments (one place, so the verbs cannot drift apart).
import { CLIENT_VERSION, type DelNetworkRequest } from "../../proto/rpc.js";
import type { VerbArgs } from "../cni/skel.js";
import type { PodNetworkSpec } from "../dataplane/types.js";
import { hostVethPrefix, podHostVethName } from "./naming.js";

/** The pod's spec without the branch part (added by the caller for branch pods). */
export function basePodSpec(a: VerbArgs, isBranch: boolean, ipv4: string, routeTable: number): PodNetworkSpec {
  return {
    containerId: a.env.containerId,
    netns: a.env.netns,
    ifName: a.env.ifName,
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
    ClientVersion: CLIENT_VERSION,
    K8S_POD_UID: podUid,
  };
}
