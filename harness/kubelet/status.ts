// What the kubelet writes about its node and its pods (pure): the Node's addresses and the pod's
// status once its sandbox runs (phase, podIP(s), hostIP, conditions), as kubelet's status manager
// reports them (docs/REFERENCE.md §8). Services and `kubectl get pods -o wide` read these.

export function nodeAddresses(name: string, internalIp: string | undefined): { type: string; address: string }[] {
  return [...(internalIp === undefined ? [] : [{ type: "InternalIP", address: internalIp }]), { type: "Hostname", address: name }];
}

/** The pod's address without its prefix length (CRI answers "10.0.0.5"; the CNI result "10.0.0.5/32"). */
export function bareIp(ip: string): string {
  return ip.split("/")[0] ?? ip;
}

export function runningPodStatus(o: { ips: readonly string[]; hostIp: string | undefined; now: string; containers: readonly string[]; image: string }): Record<string, unknown> {
  const ips = o.ips.map(bareIp);
  const condition = (type: string): Record<string, string> => ({ type, status: "True", lastTransitionTime: o.now });
  return {
    phase: "Running",
    startTime: o.now,
    ...(ips[0] === undefined ? {} : { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) }),
    ...(o.hostIp === undefined ? {} : { hostIP: o.hostIp, hostIPs: [{ ip: o.hostIp }] }),
    conditions: ["PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled"].map(condition),
    // The loop starts no container process of its own: the sandbox stands for them (kubectl's READY).
    containerStatuses: o.containers.map((name) => ({
      name, ready: true, started: true, restartCount: 0, image: o.image, imageID: "",
      state: { running: { startedAt: o.now } },
    })),
  };
}
