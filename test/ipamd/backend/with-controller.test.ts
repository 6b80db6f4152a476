// The backend with the real fake controller on a FakeClock: the first ADD of an SGP pod fails,
// and the ADD succeeds exactly once the three EC2 calls and the provisioning delay have passed.

import { describe, expect, it } from "vitest";
import { POD_ENI_ANNOTATION } from "../../../common/names.js";
import { FakeClock } from "../../../common/clock.js";
import { createController, createSeededRng } from "../../../controller/index.js";
import { createBackend } from "../../../ipamd/backend/index.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import { installWebhook, startJoin } from "../../controller/helpers.js";
import { nodePodsOf, testCluster } from "../../helpers/cluster.js";
import { FakeDatastore, recordingLog, recordingMetrics } from "./fakes.js";

const add = (id: string) => ({
  K8S_POD_NAME: "web", K8S_POD_NAMESPACE: "sgp", K8S_POD_INFRA_CONTAINER_ID: id, Netns: "", IfName: "eth0",
  NetworkName: "aws-cni", ContainerID: id, ClientVersion: CLIENT_VERSION, RequiresMultiNICAttachment: false,
});

describe("backend + fake controller (simulated time)", () => {
  it("fails until the branch ENI is provisioned, then answers its VLAN, MAC and subnet gateway", async () => {
    const clock = new FakeClock(0);
    const store = testCluster(clock);
    const ctl = createController(
      { clock, cluster: store.cluster, rng: createSeededRng(7) },
      { provisioningDelay: { kind: "fixed", fixedMs: 2_000 }, ec2: { callLatencyMs: 50 } },
    );
    installWebhook(store, ctl);
    await ctl.start();
    await startJoin(store, ctl, "node-1", "m5.large");
    await clock.advance(1_000);
    const node = ctl.getNode("node-1");
    store.applyPolicy({ namespace: "sgp", name: "all", podSelector: {}, securityGroupIds: ["sg-1"] });
    const metrics = recordingMetrics();
    const backend = createBackend({
      datastore: new FakeDatastore(["10.0.1.9"]), pods: await nodePodsOf(store, "node-1"), clock, log: recordingLog(), metrics,
      node: { nodeName: "node-1", trunkEniId: () => node?.trunkEniId, trunkIfIndex: () => 17, vpcV4Cidrs: () => ["10.0.0.0/16"] },
    });

    const t0 = clock.now();
    store.createPod({ namespace: "sgp", name: "web", nodeName: "node-1" });
    expect((await backend.addNetwork(add("s1"))).Success).toBe(false);
    // Three EC2 calls (50 ms each) and the 2 s delay: not ready 10 ms before, ready right after.
    await clock.advanceTo(t0 + 2_140);
    expect(store.getPod("sgp", "web")?.annotations[POD_ENI_ANNOTATION]).toBeUndefined();
    expect((await backend.addNetwork(add("s2"))).Success).toBe(false);
    await clock.advanceTo(t0 + 2_200);
    const annotation = store.getPod("sgp", "web")?.annotations[POD_ENI_ANNOTATION];
    expect(annotation).toBeDefined();
    const reply = await backend.addNetwork(add("s3"));
    const eni = (JSON.parse(annotation as string) as { vlanId: number; ifAddress: string; privateIp: string }[])[0];
    expect(reply).toMatchObject({ Success: true, PodVlanId: 1, PodENIMAC: eni?.ifAddress, PodENISubnetGW: "10.0.32.1", ParentIfIndex: 17 });
    expect(reply.IPAllocationMetadata[0]?.IPv4Addr).toBe(eni?.privateIp);
    expect(metrics.calls.filter((c) => c === "fail:branch-eni-not-ready:transient-expected")).toHaveLength(2);
    ctl.stop();
  });
});
