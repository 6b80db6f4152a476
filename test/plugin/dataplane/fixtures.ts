// Specs shared by the dataplane unit tests: an ordinary pod and a branch pod.
import type { PodNetworkSpec } from "../../../plugin/dataplane/types.js";

export const ordinary: PodNetworkSpec = {
  containerId: "c0ffee",
  netns: "/run/netns/pod-a",
  ifName: "eth0",
  podNamespace: "default",
  podName: "a",
  hostVethName: "eni0123456789a",
  mtu: 9001,
  ipv4: "10.0.1.5",
  routeTable: 254,
};

export const branchPod = (mode: "strict" | "standard"): PodNetworkSpec => ({
  ...ordinary,
  hostVethName: "vlan0123456789a",
  ipv4: "10.0.2.9",
  routeTable: 254,
  branch: { vlanId: 3, eniMac: "06:74:5B:7B:54:3A", subnetGateway: "10.0.2.1", parentIfIndex: 7, mode },
});
