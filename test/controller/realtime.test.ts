import { describe, expect, it } from "vitest";
import { createClusterStore } from "../../cluster/k8s/index.js";
import { systemClock } from "../../common/clock.js";
import { createController, createSeededRng } from "../../controller/index.js";
import { annotationOf } from "./helpers.js";

describe("controller on the system clock (as in mock-ipamd)", () => {
  it("provisions with real timers: EC2 latency + delay, then stops cleanly", async () => {
    const store = createClusterStore({ clock: systemClock });
    const ctl = createController(
      { clock: systemClock, store, rng: createSeededRng(1) },
      { provisioningDelay: { kind: "fixed", fixedMs: 60 }, ec2: { callLatencyMs: 5 } },
    );
    try {
      ctl.start();
      await ctl.addNode({ name: "n1", instanceType: "m5.large" });
      store.applyPolicy({ namespace: "sgp", name: "p", podSelector: {}, serviceAccountSelector: {}, securityGroupIds: ["sg-1"] });
      const t0 = Date.now();
      store.createPod({ namespace: "sgp", name: "a", nodeName: "n1" });
      const annotated = await new Promise<number>((resolve) => {
        const off = store.watchPods((_t, p) => {
          if (p.name === "a" && annotationOf(p) !== undefined) {
            off();
            resolve(Date.now());
          }
        });
      });
      // 3 calls x 5 ms + 60 ms, with some slack for timer granularity on a shared machine.
      expect(annotated - t0).toBeGreaterThanOrEqual(70);
      expect(annotated - t0).toBeLessThan(2000);
      expect(annotationOf(store.getPod("sgp", "a"))?.vlanId).toBe(1);
    } finally {
      ctl.stop();
    }
  });
});
