import { describe, expect, it } from "vitest";
import { systemClock } from "../../common/clock.js";
import { createController, createSeededRng } from "../../controller/index.js";
import { testCluster } from "../helpers/cluster.js";
import { annotationOf, installWebhook, startJoin } from "./helpers.js";

describe("controller on the system clock (as in mock-ipamd)", () => {
  it("provisions with real timers: EC2 latency + delay, then stops cleanly", async () => {
    const store = testCluster(systemClock);
    const ctl = createController(
      { clock: systemClock, cluster: store.cluster, rng: createSeededRng(1) },
      { provisioningDelay: { kind: "fixed", fixedMs: 60 }, ec2: { callLatencyMs: 5 } },
    );
    try {
      installWebhook(store, ctl);
      await ctl.start();
      const ready = new Promise<void>((resolve) => {
        const off = store.watchPods(() => undefined);
        off();
        const t = setInterval(() => {
          if (ctl.getNode("n1") !== undefined && store.getNode("n1")?.capacity["vpc.amazonaws.com/pod-eni"] === "9") {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      await startJoin(store, ctl, "n1", "m5.large");
      await ready;
      store.applyPolicy({ namespace: "sgp", name: "p", podSelector: {}, securityGroupIds: ["sg-1"] });
      const t0 = Date.now();
      const annotated = new Promise<number>((resolve) => {
        const off = store.watchPods((_t, p) => {
          if (p.name === "a" && annotationOf(p) !== undefined) {
            off();
            resolve(Date.now());
          }
        });
      });
      store.createPod({ namespace: "sgp", name: "a", nodeName: "n1" });
      const at = await annotated;
      // 3 calls x 5 ms + 60 ms, with some slack for timer granularity on a shared machine.
      expect(at - t0).toBeGreaterThanOrEqual(70);
      expect(at - t0).toBeLessThan(2000);
      expect(annotationOf(store.getPod("sgp", "a"))?.vlanId).toBe(1);
    } finally {
      ctl.stop();
      store.stop();
    }
  });
});
