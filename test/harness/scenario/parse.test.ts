// Scenario parsing: defaults, durations, bulk expansion, and errors that name the path and problem.

import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../../common/errors.js";
import { expandNodes, expandPods, patternNames } from "../../../harness/scenario/expand.js";
import { formatPath, parseScenario } from "../../../harness/scenario/parse.js";
import { effectiveExpect } from "../../../harness/scenario/schema.js";

const MINIMAL = `
name: t
nodes: [{ name: node-1 }]
pods: [{ name: p }]
`;

function problems(text: string): string {
  try {
    parseScenario(text, "s.yaml");
  } catch (e) {
    if (isHarnessError(e)) {
      expect(e.kind).toBe("invalid-config");
      return e.message;
    }
    throw e;
  }
  throw new Error("expected the scenario to be rejected");
}

describe("parseScenario", () => {
  it("fills defaults", () => {
    const s = parseScenario(MINIMAL, "s.yaml");
    expect(s.nodes[0]).toEqual({ name: "node-1", instanceType: "m5.large", count: 1, at: 0, labels: {} });
    expect(s.pods[0]).toMatchObject({ at: 0, namespace: "default", count: 1, interval: 0, serviceAccount: "default" });
    // No modes given: undefined (the runner picks simulated time and says why, see chooseMode).
    expect(s.modes).toBeUndefined();
    expect(s.limit).toBe(600_000);
    expect(s.ipamd.waitForBranchEni).toBe(0);
    expect(s.expect).toEqual({ events: {}, pods: [] });
  });

  it("reads Go durations and numbers of seconds, and every delay form", () => {
    const s = parseScenario(`
name: t
limit: 5m30s
nodes: [{ name: n, at: 1.5 }]
pods: [{ name: p, at: 250ms, deleteAfter: 1m }]
controller: { provisioningDelay: { kind: uniform, min: 1s, max: 3s }, ec2: { qps: 6, callLatency: 20ms } }
`, "s.yaml");
    expect(s.limit).toBe(330_000);
    expect(s.nodes[0]?.at).toBe(1500);
    expect(s.pods[0]).toMatchObject({ at: 250, deleteAfter: 60_000 });
    expect(s.controller.provisioningDelay).toEqual({ kind: "uniform", minMs: 1000, maxMs: 3000 });
    expect(s.controller.ec2).toEqual({ qps: 6, callLatency: 20 });
    const fixed = parseScenario(`${MINIMAL}controller: { provisioningDelay: 2s }\n`, "s.yaml");
    expect(fixed.controller.provisioningDelay).toEqual({ kind: "fixed", fixedMs: 2000 });
    const normal = parseScenario(`${MINIMAL}controller: { provisioningDelay: { kind: lognormal, mean: 2s, stddev: 500ms } }\n`, "s.yaml");
    expect(normal.controller.provisioningDelay).toEqual({ kind: "lognormal", meanMs: 2000, stddevMs: 500 });
  });

  it("accepts JSON as well", () => {
    const s = parseScenario(JSON.stringify({ name: "j", nodes: [{ name: "n" }], pods: [{ name: "p", count: 3 }] }), "s.json");
    expect(expandPods(s).map((p) => p.name)).toEqual(["p-1", "p-2", "p-3"]);
  });

  it("names the path of a bad duration", () => {
    expect(problems(`${MINIMAL.replace("{ name: p }", "{ name: p, at: soon }")}`)).toMatch(/pods\[0\]\.at: "soon" is not a duration/);
  });

  it("names unknown keys, wrong types and out-of-range values, all at once, each with its line and column", () => {
    const msg = problems(`
name: t
nodes: [{ name: node-1, cpu: 4 }]
pods: [{ name: p, count: -2 }]
faults: [{ at: 1s, ec2ThrottleRate: 1.5 }]
`);
    expect(msg).toMatch(/3 problems/);
    expect(msg).toMatch(/line 3, column 30: nodes\[0\]: unknown key "cpu"; accepted keys: name, instanceType, count, at, labels/);
    expect(msg).toMatch(/line 4, column 26: pods\[0\]\.count: must be a whole number of pods, 1 or more/);
    expect(msg).toMatch(/line 5, column 37: faults\[0\]\.ec2ThrottleRate: must be a fraction from 0 to 1/);
  });

  it("says which forms a value accepts", () => {
    expect(problems(MINIMAL.replace("{ name: p }", "{ name: p, at: [1] }"))).toMatch(/pods\[0\]\.at: must be a duration: a string such as 250ms, 1\.5s or 5m30s, or a number of seconds/);
    expect(problems(`${MINIMAL}controller: { provisioningDelay: { kind: gamma } }\n`)).toMatch(
      /controller\.provisioningDelay: must be a duration \(2s\), or \{ kind: fixed, value: 2s \}, \{ kind: uniform, min: 1s, max: 3s \}, or \{ kind: normal \| lognormal, mean: 2s, stddev: 500ms \}/,
    );
    expect(problems(`${MINIMAL}expect: { realFailures: lots }\n`)).toMatch(/expect\.realFailures: must be a count \(a whole number such as 0 or 3\) or a range \{ min: N, max: N \}/);
    expect(problems(`${MINIMAL}modes: [fast]\n`)).toMatch(/modes\[0\]: must be a list of modes: \[simulated\], \[real\] or \[real, simulated\]/);
  });

  it("rejects a fault with no setting, names that are not DNS names, a missing nodes list", () => {
    expect(problems(`${MINIMAL}faults: [{ at: 1s }]\n`)).toMatch(/faults\[0\]: a fault needs at least one setting: ec2ThrottleRate, /);
    expect(problems(MINIMAL.replace("name: p", "name: Pod_1"))).toMatch(/pods\[0\]\.name: must be a DNS-1123 name/);
    expect(problems("name: t\npods: []\n")).toMatch(/nodes: must be a list of nodes/);
  });

  it("checks cross references: instance types, pinned nodes, unique names, fault times", () => {
    expect(problems(MINIMAL.replace("{ name: node-1 }", "{ name: node-1, instanceType: m9.huge }"))).toMatch(/line 3, column 39: nodes\[0\]\.instanceType: instance type "m9.huge" is not known; known types: .*m5\.large/);
    expect(problems(MINIMAL.replace("{ name: p }", "{ name: p, node: node-9 }"))).toMatch(/pods\[0\]\.node: no node named "node-9"/);
    expect(problems(`${MINIMAL.replace("[{ name: p }]", "[{ name: p, count: 2 }, { name: p-1 }]")}`)).toMatch(/pod names are not unique/);
    expect(problems(`${MINIMAL}limit: 1m\nfaults: [{ at: 2m, ipamdDown: true }]\n`)).toMatch(/line 6, column 16: faults\[0\]\.at: the fault starts at \+2m0s is after the run's limit \(1m0s\)/);
  });

  it("reports an unknown instance type in the same pass as every other problem", () => {
    const msg = problems(`
name: t
nodes: [{ name: node-1, instanceType: nosuch }]
pods: [{ name: p, at: soon, node: node-1 }]
expect: { realFailures: { min: 3, max: 1 } }
`);
    expect(msg).toMatch(/^s\.yaml: 3 problems:/);
    expect(msg).toMatch(/nodes\[0\]\.instanceType: instance type "nosuch" is not known/);
    expect(msg).toMatch(/pods\[0\]\.at: "soon" is not a duration/);
    expect(msg).toMatch(/expect\.realFailures: min must not be above max/);
  });

  it("checks fields against each other: min <= max, windows that can hold, times within the limit", () => {
    expect(problems(`${MINIMAL}expect: { transientFailures: { min: 5, max: 2 } }\n`)).toMatch(/expect\.transientFailures: min must not be above max/);
    expect(problems(`${MINIMAL}controller: { provisioningDelay: { kind: uniform, min: 3s, max: 1s } }\n`)).toMatch(/controller\.provisioningDelay: uniform: min must not be above max/);
    expect(problems(`${MINIMAL}expect: { lastRunningAfter: 2m, lastRunningBefore: 1m }\n`)).toMatch(/expect\.lastRunningAfter: lastRunningAfter \(2m0s\) must be before lastRunningBefore \(1m0s\)/);
    expect(problems(`${MINIMAL}limit: 1m\nexpect: { allRunningBy: 5m }\n`)).toMatch(/expect\.allRunningBy: \+5m0s is after the run's limit/);
    expect(problems(`${MINIMAL.replace("{ name: p }", "{ name: p, at: 20m }")}`)).toMatch(/pods\[0\]\.at: the pod is created at \+20m0s is after the run's limit/);
  });

  it("reports YAML syntax errors with the file name, line and column", () => {
    const msg = problems("name: t\nnodes:\n  - { name: n\npods: [\n");
    expect(msg).toMatch(/^s\.yaml: \d+ problems?:\n {2}line \d+, column \d+: .*\(not valid YAML or JSON\)/);
    expect(problems("name: [unclosed\n")).toMatch(/^s\.yaml: 1 problem:\n {2}line 2, column 1: .*\(not valid YAML or JSON\)/);
  });

  it("applies expectIf over expect when the run's settings match", () => {
    const s = parseScenario(`${MINIMAL}ipamd: { waitForBranchEni: 30s }\nexpect: { allRunning: true, transientFailures: { max: 5 } }\nexpectIf:\n  - when: { waitForBranchEni: 0s }\n    expect: { transientFailures: { min: 1 } }\n`, "s.yaml");
    expect(effectiveExpect(s)).toEqual({ expect: s.expect, applied: [] });
    const zero = effectiveExpect({ ...s, ipamd: { waitForBranchEni: 0 } });
    expect(zero.applied).toEqual([0]);
    expect(zero.expect).toMatchObject({ allRunning: true, transientFailures: { min: 1 }, events: {}, pods: [] });
  });
});

describe("expansion", () => {
  it("expands name patterns and spaces bulk pods by interval, sorted by time", () => {
    expect(patternNames("web", 1)).toEqual(["web"]);
    expect(patternNames("web", 2)).toEqual(["web-1", "web-2"]);
    expect(patternNames("n{i}x", 2)).toEqual(["n1x", "n2x"]);
    const s = parseScenario(`
name: t
nodes: [{ name: "node-{i}", count: 3, instanceType: m5.xlarge }]
pods:
  - { name: late, at: 10s }
  - { name: "b-{i}", count: 3, at: 1s, interval: 500ms, deleteAfter: 2s }
`, "s.yaml");
    expect(expandNodes(s).map((n) => n.name)).toEqual(["node-1", "node-2", "node-3"]);
    expect(expandPods(s).map((p) => [p.name, p.at, p.deleteAt])).toEqual([
      ["b-1", 1000, 3000], ["b-2", 1500, 3500], ["b-3", 2000, 4000], ["late", 10_000, undefined],
    ]);
  });

  it("formats zod paths", () => {
    expect(formatPath(["pods", 2, "labels", "app"])).toBe("pods[2].labels.app");
    expect(formatPath([])).toBe("(top level)");
  });
});
