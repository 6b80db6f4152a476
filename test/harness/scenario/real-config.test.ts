// What a real-time run hands mock-ipamd: the config file, the fault states over time, and the
// reasons a scenario cannot run in real time.

import { describe, expect, it } from "vitest";
import { daemonConfig, faultChangeTimes, faultsAt, realTimeObstacles } from "../../../harness/scenario/real/config.js";
import { parseScenario } from "../../../harness/scenario/parse.js";

const scenario = (extra: string) => parseScenario(`name: r\nnodes: [{ name: node-1, instanceType: m5.xlarge }]\n${extra}`, "r.yaml");

describe("daemonConfig", () => {
  it("carries node, policies, delay, EC2 limit and branch wait in the daemon's config format", () => {
    const s = scenario(`
policies: [{ namespace: ns, name: p, podSelector: { app: a }, securityGroups: [sg-1] }]
controller: { provisioningDelay: { kind: uniform, min: 1s, max: 2s }, ec2: { qps: 6, burst: 9 } }
ipamd: { waitForBranchEni: 5s }
seed: 3
`);
    expect(daemonConfig(s)).toEqual({
      node: { name: "node-1", instanceType: "m5.xlarge" },
      securityGroupPolicies: [{ namespace: "ns", name: "p", podSelector: { app: "a" }, serviceAccountSelector: {}, securityGroupIds: ["sg-1"] }],
      controller: { seed: 3, provisioningDelay: { kind: "uniform", min: "1000ms", max: "2000ms" } },
      ec2: { qps: 6, burst: 9 },
      ipamd: { waitForBranchEni: "5000ms" },
    });
    expect(daemonConfig(scenario("controller: { provisioningDelay: 2s }\n")).controller).toEqual({ seed: 1, provisioningDelay: "2000ms" });
  });
});

describe("fault windows over the control API", () => {
  const s = scenario(`
faults:
  - { at: 10s, for: 20s, ec2ThrottleRate: 0.5 }
  - { at: 20s, ipamdDown: true, branchCapacity: 2 }
`);
  it("changes state at window starts and ends", () => {
    expect(faultChangeTimes(s.faults)).toEqual([10_000, 20_000, 30_000]);
  });
  it("gives the full state at any time, windows applied in order", () => {
    expect(faultsAt(s.faults, 0)).toMatchObject({ ec2_throttle_rate: 0, ipamd_down: false, branch_capacity_override: -1 });
    expect(faultsAt(s.faults, 15_000)).toMatchObject({ ec2_throttle_rate: 0.5, ipamd_down: false });
    expect(faultsAt(s.faults, 25_000)).toMatchObject({ ec2_throttle_rate: 0.5, ipamd_down: true, branch_capacity_override: 2 });
    expect(faultsAt(s.faults, 30_000)).toMatchObject({ ec2_throttle_rate: 0, ipamd_down: true });
  });
});

describe("realTimeObstacles", () => {
  it("accepts one node and a few pods", () => {
    expect(realTimeObstacles(scenario("pods: [{ name: p, count: 3 }]\n"))).toEqual([]);
  });
  it("names every reason a scenario needs simulated time", () => {
    const s = parseScenario(`
name: big
nodes: [{ name: n, count: 2 }]
pods: [{ name: p, count: 50 }]
faults: [{ at: 1s, ipamdRestart: true }]
`, "b.yaml");
    const o = realTimeObstacles(s);
    expect(o).toHaveLength(3);
    expect(o.join("\n")).toMatch(/one node .* has 2/);
    expect(o.join("\n")).toMatch(/at most 20 pods; the scenario has 50/);
    expect(o.join("\n")).toMatch(/faults\[0\]\.ipamdRestart is supported in simulated time only/);
  });
});
