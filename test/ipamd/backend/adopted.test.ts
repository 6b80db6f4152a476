// The DEL's UID guard and pods registered at their first ADD (issue #10, item 7): the daemon
// invented their uid, so kubelet's K8S_POD_UID on the real plugin's DEL is taken as theirs.
import { afterAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { registeredAtAddLabels, uidMismatch } from "../../../ipamd/backend/adopted.js";
import { nodePodsOf, testCluster } from "../../helpers/cluster.js";

describe("uidMismatch", () => {
  const tc = testCluster(new FakeClock());
  afterAll(() => tc.stop());
  const known = tc.createPod({ namespace: "sgp", name: "known", uid: "u-api", nodeName: "n" });
  const labelled = tc.createPod({ namespace: "sgp", name: "labelled", uid: "u-invented", nodeName: "n", labels: registeredAtAddLabels() });

  it("guards a pod whose uid the API server gave: another uid is another incarnation", () => {
    expect(uidMismatch(known, "u-other")).toBe(true);
    expect(uidMismatch(known, "u-api")).toBe(false);
    expect(uidMismatch(known, "")).toBe(false);
  });

  it("does not guard a pod registered at its ADD, whose uid the daemon invented", () => {
    expect(labelled.labels).toMatchObject({ "vpc-cni-harness/registered-at": "cni-add" });
    expect(uidMismatch(labelled, "6b1c2f1e-0000-4000-8000-000000000002")).toBe(false);
  });

  it("memory mode's adopt (a pod first seen at its ADD) registers the pod with that label", async () => {
    const pods = await nodePodsOf(tc, "n", { adopt: true });
    try {
      const { pod } = await (pods.adopt as NonNullable<typeof pods.adopt>)("sgp", "first-seen");
      expect(pod.labels).toMatchObject(registeredAtAddLabels());
      expect(uidMismatch(pod, "6b1c2f1e-0000-4000-8000-000000000003")).toBe(false);
    } finally {
      pods.informer.stop();
    }
  });
});
