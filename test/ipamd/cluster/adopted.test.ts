// Pods registered at their first ADD (memory mode) on a FakeClock: kept while they hold a lease or an
// ADD/DEL names them, deleted once idle for the TTL, the least recently seen first beyond the bound;
// a pod of the same name made by someone else (another uid) is left alone. Through the backend: a
// stream of ADD/DEL pairs with new pod names leaves at most the bound in the store.

import { afterEach, describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import { createBackend } from "../../../ipamd/backend/index.js";
import type { IpDatastore } from "../../../ipamd/backend/index.js";
import { createAdoptedPods, podRefKey } from "../../../ipamd/cluster/adopted.js";
import type { AdoptedPods } from "../../../ipamd/cluster/adopted.js";
import { createInformer } from "../../../cluster/client/index.js";
import { nodePods } from "../../../ipamd/index.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import { testCluster } from "../../helpers/cluster.js";
import type { TestCluster } from "../../helpers/cluster.js";

const MIN = 60_000;
let tc: TestCluster | undefined;
afterEach(() => tc?.stop());

function setup(leased: Set<string>, opts: { idleTtlMs?: number; maxIdle?: number } = {}): { clock: FakeClock; tc: TestCluster; adopted: AdoptedPods } {
  const clock = new FakeClock(1_000_000);
  tc = testCluster(clock);
  const adopted = createAdoptedPods({ cluster: tc.cluster, clock, leased: () => leased, idleTtlMs: opts.idleTtlMs ?? 10 * MIN, maxIdle: opts.maxIdle ?? 100 });
  return { clock, tc, adopted };
}

const names = (c: TestCluster): string[] => c.listPods("ns").map((p) => p.name).sort();

describe("pods registered at their ADD (memory mode)", () => {
  it("an idle one goes after the TTL; one with a lease, or named by an ADD/DEL since, stays", async () => {
    const leased = new Set<string>();
    const { clock, tc: c, adopted } = setup(leased);
    for (const n of ["idle", "leased", "busy"]) adopted.adopted(c.createPod({ namespace: "ns", name: n, nodeName: "node-1" }));
    leased.add(podRefKey("ns", "leased"));
    await clock.advance(9 * MIN);
    adopted.seen("ns", "busy");
    await clock.advance(MIN);
    await adopted.sweep();
    expect(names(c)).toEqual(["busy", "leased"]);
    expect(adopted.size()).toBe(2);
    leased.clear();
    await clock.advance(10 * MIN);
    await adopted.sweep();
    expect(names(c)).toEqual([]);
  });

  it("beyond maxIdle idle pods the least recently seen go at the next ADD, without waiting for the TTL", async () => {
    const leased = new Set<string>([podRefKey("ns", "p0")]);
    const { clock, tc: c, adopted } = setup(leased, { maxIdle: 8 });
    const adopt = async (i: number): Promise<void> => {
      adopted.adopted(c.createPod({ namespace: "ns", name: `p${i}`, nodeName: "node-1" }));
      await flushMicrotasks();
      await clock.advance(1_000);
    };
    for (let i = 0; i < 8; i++) await adopt(i);
    adopted.seen("ns", "p1");
    for (let i = 8; i < 12; i++) await adopt(i);
    // Each time more than 8 are idle (p0 has a lease), the least recently seen go, down to 7:
    // p2 and p3 at p9, p4 and p5 at p11; p1 was seen after them.
    expect(names(c)).toEqual(["p0", "p1", "p10", "p11", "p6", "p7", "p8", "p9"]);
  });

  it("leaves a pod of the same name with another uid (someone else's) in place", async () => {
    const { clock, tc: c, adopted } = setup(new Set());
    adopted.adopted(c.createPod({ namespace: "ns", name: "x", nodeName: "node-1" }));
    c.deletePod("ns", "x");
    const theirs = c.createPod({ namespace: "ns", name: "x", nodeName: "node-1" });
    await clock.advance(11 * MIN);
    await adopted.sweep();
    expect(c.getPod("ns", "x")?.uid).toBe(theirs.uid);
  });

  it("through the backend: ADD/DEL pairs of ever new pod names leave at most the bound in the store", async () => {
    const clock = new FakeClock(1_000_000);
    tc = testCluster(clock);
    const c = tc;
    const leases = new Map<string, string>();
    const datastore: IpDatastore = {
      assign: async (key, meta) => (leases.set(key.containerID, `${meta.podNamespace}/${meta.podName}`), { ipv4: "10.0.0.9", deviceNumber: 0, eniId: "eni-0" }),
      release: async (key) => (leases.delete(key.containerID) ? { ipv4: "10.0.0.9", deviceNumber: 0, eniId: "eni-0" } : undefined),
    };
    const adopted = createAdoptedPods({ cluster: c.cluster, clock, leased: () => new Set(leases.values()), maxIdle: 16 });
    const informer = createInformer(c.cluster.pods, { clock, name: "pods on node-1", select: { fieldSelector: "spec.nodeName=node-1" } });
    await informer.start();
    const backend = createBackend({
      datastore, pods: nodePods({ cluster: c.cluster, informer, nodeName: "node-1", adopt: true, adopted }),
      node: { nodeName: "node-1", trunkEniId: () => undefined, trunkIfIndex: () => 0, vpcV4Cidrs: () => ["10.0.0.0/16"] },
      clock, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    const req = (i: number) => ({
      K8S_POD_NAME: `p${i}`, K8S_POD_NAMESPACE: "ns", K8S_POD_INFRA_CONTAINER_ID: `c${i}`, ContainerID: `c${i}`,
      IfName: "eth0", NetworkName: "aws-cni", Netns: "/var/run/netns/x", ClientVersion: CLIENT_VERSION, RequiresMultiNICAttachment: false,
    });
    for (let i = 0; i < 200; i++) {
      expect((await backend.addNetwork(req(i))).Success).toBe(true);
      await backend.delNetwork({ ...req(i), Reason: "PodDeleted", K8S_POD_UID: "" });
      await flushMicrotasks();
    }
    await adopted.sweep();
    expect(c.listPods("ns").length).toBeLessThanOrEqual(16);
    expect(c.getPod("ns", "p199")).toBeDefined(); // the newest stay
    informer.stop();
  });
});
