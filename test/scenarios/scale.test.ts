// The 1000-pod scenario in simulated time: it finishes in seconds of wall time, and the last pod
// runs inside the band the EC2 rate limit dictates (3 calls per branch ENI at qps/burst).

import { describe, expect, it } from "vitest";
import { DEFAULT_EC2_CONFIG } from "../../controller/index.js";
import { expandPods } from "../../harness/scenario/expand.js";
import { loadScenario } from "../../harness/scenario/parse.js";
import { listShipped } from "../../harness/scenario/shipped.js";
import { runSimulated } from "../../harness/scenario/sim/run.js";

const CALLS_PER_BRANCH_ENI = 3; // CreateNetworkInterface, CreateNetworkInterfacePermission, AssociateTrunkInterface

describe("scale-1000 (simulated time)", () => {
  it("runs 1000 SGP pods in seconds of wall time; the last one runs when the rate limit allows", async () => {
    const s = await loadScenario(listShipped().find((x) => x.name === "scale-1000")!.file);
    const pods = expandPods(s);
    const qps = s.controller.ec2.qps ?? DEFAULT_EC2_CONFIG.qps;
    const burst = s.controller.ec2.burst ?? DEFAULT_EC2_CONFIG.burst;
    const createdAt = Math.max(...pods.map((p) => p.at));
    const calls = pods.length * CALLS_PER_BRANCH_ENI;
    // The token bucket cannot hand out `calls` tokens faster than this.
    const floorMs = ((calls - burst) / qps) * 1000;

    const r = await runSimulated(s);

    expect(r.differences).toEqual([]);
    expect(r.summary.running).toBe(1000);
    const last = r.summary.lastRunningAt! - createdAt;
    expect(last).toBeGreaterThanOrEqual(floorMs);
    // Above the floor only by the tail: the last ENI's delay, call latency, the ADD retry.
    expect(last).toBeLessThan(floorMs * 1.1 + 10_000);
    // The real controller's bar: 1000 SGP pods running within 5.5 minutes of creation.
    expect(last).toBeLessThan(5.5 * 60_000);
    expect(r.ec2Calls).toBeGreaterThanOrEqual(calls);
  }, 90_000);
});
