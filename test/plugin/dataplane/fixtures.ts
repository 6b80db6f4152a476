// Specs shared by the dataplane unit tests: an ordinary pod and a branch pod (typed values, as the
// verbs build them from parsed input).
import type { Dataplane, PodInterfaces, PodNetworkSpec, TeardownSpec } from "../../../plugin/dataplane/types.js";

export const ordinary = {
  containerId: "c0ffee",
  netns: "/run/netns/pod-a",
  ifName: "eth0",
  podNamespace: "default",
  podName: "a",
  hostVethName: "eni0123456789a",
  mtu: 9001,
  ipv4: "10.0.1.5",
  routeTable: 254,
} as PodNetworkSpec;

export const branchPod = (mode: "strict" | "standard"): PodNetworkSpec =>
  ({
    ...ordinary,
    hostVethName: "vlan0123456789a",
    ipv4: "10.0.2.9",
    routeTable: 254,
    branch: { vlanId: 3, eniMac: "06:74:5b:7b:54:3a", subnetGateway: "10.0.2.1", parentIfIndex: 7, mode },
  }) as PodNetworkSpec;

/**
 * A Dataplane that takes specs written as plain literals (tests only): the real one takes typed
 * values that only the parsers hand out, and a test's literals stand in for parsed input.
 */
export interface LooseDataplane {
  setup(spec: object, signal: AbortSignal): Promise<PodInterfaces>;
  teardown(spec: object, signal: AbortSignal): Promise<void>;
  check(spec: object, signal: AbortSignal): Promise<void>;
}

export function loose(d: Dataplane): LooseDataplane {
  return {
    setup: (s, sig) => d.setup(s as PodNetworkSpec, sig),
    teardown: (s, sig) => d.teardown(s as TeardownSpec, sig),
    check: (s, sig) => d.check(s as PodNetworkSpec, sig),
  };
}
