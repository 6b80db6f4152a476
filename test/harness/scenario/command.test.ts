// The scenario commands end to end in-process (simulated time): exit codes, printed differences,
// JSON lines, the timeline file, mode choice.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { chooseMode, listCommand, runCommand, validateCommand } from "../../../harness/scenario/command.js";
import { parseScenario } from "../../../harness/scenario/parse.js";
import { resolveScenarioFile, suggestions } from "../../../harness/scenario/shipped.js";

const dir = mkdtempSync(join(tmpdir(), "h7-scenario-cmd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = `
name: tiny
modes: [simulated]
limit: 1m
nodes: [{ name: node-1 }]
policies: [{ namespace: default, name: sgp, podSelector: { app: sgp }, securityGroups: [sg-01] }]
pods:
  - { name: sgp-pod, labels: { app: sgp }, at: 1s }
controller: { provisioningDelay: 1s }
expect:
  allRunning: true
  pods: [{ pods: sgp-pod, events: { FailedCreatePodSandBox: EXPECTED } }]
`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function capture(): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => vi.restoreAllMocks());

describe("scenario run", () => {
  it("exits 0 when the expectations hold, and writes the timeline", async () => {
    const io = capture();
    const svg = join(dir, "t.html");
    const code = await runCommand(file("ok.yaml", SCENARIO.replace("EXPECTED", "1")), { simulated: true, timeline: svg });
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out()).toMatch(/expectations: all met/);
    expect(io.out()).toMatch(/FailedCreatePodSandBox/);
    expect(readFileSync(svg, "utf8")).toMatch(/<!doctype html>[\s\S]*<svg /);
  });

  it("exits 1 and prints what differed", async () => {
    const io = capture();
    const code = await runCommand(file("bad.yaml", SCENARIO.replace("EXPECTED", "0")), { simulated: true });
    expect(code).toBe(1);
    expect(io.out()).toMatch(/expectations: 1 difference\n  - expect\.pods\[0\] default\/sgp-pod: expected exactly 0 FailedCreatePodSandBox events, got 1/);
  });

  it("--json prints only JSON lines: the events, then the result", async () => {
    const io = capture();
    const code = await runCommand(file("json.yaml", SCENARIO.replace("EXPECTED", "1")), { simulated: true, json: true });
    expect(code).toBe(0);
    const lines = io.out().trim().split("\n").map((l) => JSON.parse(l) as { kind: string; event?: { reason: string }; passed?: boolean });
    expect(lines.slice(0, -1).every((l) => l.kind === "event" || l.kind === "progress")).toBe(true);
    expect(lines.some((l) => l.event?.reason === "ResourceAllocated")).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ kind: "result", scenario: "tiny", mode: "simulated", passed: true });
  });

  it("exits 2 with one clear line, before running, when the timeline cannot be written", async () => {
    const io = capture();
    const code = await runCommand(file("tl.yaml", SCENARIO.replace("EXPECTED", "1")), { simulated: true, timeline: join(dir, "no-such-dir", "t.svg") });
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^--timeline \S+t\.svg: directory \S+no-such-dir is not writable: ENOENT[^\n]*\n$/);
    expect(io.out()).toBe("");
  });

  it("exits 2 on an invalid file, naming the problem", async () => {
    const io = capture();
    expect(await runCommand(file("broken.yaml", "name: x\nnodes: []\n"), { simulated: true })).toBe(2);
    expect(io.err()).toMatch(/nodes: /);
    expect(await runCommand(join(dir, "missing.yaml"), {})).toBe(2);
  });
});

describe("scenario validate and list", () => {
  it("validate: 0 for a valid file, 1 with the path of the problem otherwise", async () => {
    const io = capture();
    expect(await validateCommand(file("v.yaml", SCENARIO.replace("EXPECTED", "1")))).toBe(0);
    expect(io.out()).toMatch(/valid scenario "tiny" \(1 node, 1 pod, modes simulated\)/);
    expect(await validateCommand(file("w.yaml", SCENARIO.replace("EXPECTED", "lots")))).toBe(1);
    expect(io.err()).toMatch(/expect\.pods\[0\]\.events\.FailedCreatePodSandBox/);
  });

  it("list: the shipped scenarios with their sizes", () => {
    const io = capture();
    expect(listCommand()).toBe(0);
    expect(io.out()).toMatch(/^basic +2 pods, real\/simulated: /m);
    expect(io.out()).toMatch(/^scale-1000 +1000 pods, simulated: /m);
  });
});

describe("chooseMode", () => {
  const s = (modes: string, pods = 1) => parseScenario(`name: m\n${modes === "" ? "" : `modes: ${modes}\n`}nodes: [{ name: n }]\npods: [{ name: p, count: ${pods} }]\n`, "m.yaml");
  it("takes the flag, else the scenario's first mode, and says when it cannot run in real time", () => {
    expect(chooseMode(s("[real, simulated]"), {}).mode).toBe("real");
    expect(chooseMode(s("[real, simulated]"), { simulated: true }).mode).toBe("simulated");
    expect(chooseMode(s("[simulated]"), {})).toMatchObject({ mode: "simulated", note: expect.stringMatching(/its modes: simulated\); --real runs it/) });
    expect(chooseMode(s("[simulated]", 50), {})).toMatchObject({ mode: "simulated", note: expect.stringMatching(/cannot run in real time: real time is meant for at most 20 pods; the scenario has 50/) });
    expect(chooseMode(s("[simulated]"), { real: true })).toMatchObject({ mode: "real", note: expect.stringMatching(/anyway/) });
  });

  it("a small file without modes is not called too large for real time", () => {
    const c = chooseMode(s(""), {});
    expect(c.mode).toBe("simulated");
    expect(c.note).toBe("scenario m names no modes: simulated time (--real runs it with the real daemon and plugin binary)");
    expect(c.note).not.toMatch(/too large/);
  });
});

describe("scenario names", () => {
  it("suggests the shipped scenario a typo was close to", async () => {
    const io = capture();
    expect(await runCommand("basc", { simulated: true })).toBe(2);
    expect(io.err()).toBe('no scenario file or shipped scenario named "basc"; did you mean "basic"? (`vpc-cni-harness scenario list` shows the shipped ones)\n');
    expect(await validateCommand("scale-100")).toBe(2);
    expect(io.err()).toMatch(/did you mean "scale-1000"/);
  });

  it("resolves shipped names and plain paths", () => {
    expect(resolveScenarioFile("basic")).toMatch(/scenarios\/basic\.yaml$/);
    expect(resolveScenarioFile("./nowhere.yaml")).toBe("./nowhere.yaml");
    expect(suggestions("basc", ["basic", "branch-faults", "scale-1000"])).toEqual(["basic"]);
    expect(suggestions("zzz", ["basic"])).toEqual([]);
  });
});
