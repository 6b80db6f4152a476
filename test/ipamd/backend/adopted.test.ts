// The DEL's UID guard and pods registered at their first ADD (issue #10, item 7): the daemon
// invented their uid, so kubelet's K8S_POD_UID on the real plugin's DEL is taken as theirs.
import { describe, expect, it } from "vitest";
import { createClusterStore } from "../../../cluster/index.js";
import { FakeClock } from "../../../common/clock.js";
import { registeredAtAddLabels, uidMismatch } from "../../../ipamd/backend/adopted.js";

describe("uidMismatch", () => {
  const store = createClusterStore({ clock: new FakeClock() });
  const known = store.createPod({ namespace: "sgp", name: "known", uid: "u-api", nodeName: "n" });
  const adopted = store.createPod({ namespace: "sgp", name: "adopted", uid: "u-invented", nodeName: "n", labels: registeredAtAddLabels() });

  it("guards a pod whose uid the API server gave: another uid is another incarnation", () => {
    expect(uidMismatch(known, "u-other")).toBe(true);
    expect(uidMismatch(known, "u-api")).toBe(false);
    expect(uidMismatch(known, "")).toBe(false);
  });

  it("does not guard a pod registered at its ADD, whose uid the daemon invented", () => {
    expect(adopted.labels).toMatchObject({ "vpc-cni-harness/registered-at": "cni-add" });
    expect(uidMismatch(adopted, "6b1c2f1e-0000-4000-8000-000000000002")).toBe(false);
  });
});
