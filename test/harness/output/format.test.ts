// Formatting of demo output: offsets, kubectl ages, `(xN over T)` aggregation, record lines, printers.

import { describe, expect, it } from "vitest";
import type { ClusterEvent } from "../../../cluster/k8s/index.js";
import { aggregation, eventAge, formatOffset, formatRecord, formatSummary, jsonPrinter, plainPrinter, terminalPrinter } from "../../../harness/output/index.js";

const ev = (over: Partial<ClusterEvent> = {}): ClusterEvent => ({
  type: "Warning", reason: "FailedCreatePodSandBox", message: "Failed to create pod sandbox: boom",
  involvedObject: { kind: "Pod", namespace: "sgp-demo", name: "sgp-pod-1", uid: "u" }, source: "kubelet",
  firstTimestamp: 1_000, lastTimestamp: 1_000, count: 1, classification: "transient-expected", attributes: {}, ...over,
});

class Buf {
  text = "";
  isTTY = false;
  columns = 60;
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe("time formatting", () => {
  it("offsets have millisecond precision and a sign", () => {
    expect(formatOffset(0)).toBe("+0.000s");
    expect(formatOffset(12_345)).toBe("+12.345s");
    expect(formatOffset(-5)).toBe("-0.005s");
  });
  it("renders aggregated events as (xN over T), like kubectl describe", () => {
    expect(aggregation(ev())).toBe("");
    expect(aggregation(ev({ count: 3, firstTimestamp: 1_000, lastTimestamp: 13_500 }))).toBe(" (x3 over 12s)");
    expect(eventAge(ev({ count: 4, firstTimestamp: 0, lastTimestamp: 50_000 }), 60_000)).toBe("10s (x4 over 60s)");
    expect(eventAge(ev(), 6_000)).toBe("5s");
  });
});

describe("record lines", () => {
  it("an event line carries offset, type, reason, pod, classification, message and aggregation", () => {
    const line = formatRecord({ kind: "event", at: 2_500, event: ev({ count: 2, firstTimestamp: 1_000, lastTimestamp: 2_500 }) }, 1_000);
    expect(line).toMatch(/^\+1\.500s {2}Warning +FailedCreatePodSandBox +sgp-demo\/sgp-pod-1 +\[transient-expected\] Failed to create pod sandbox: boom \(x2 over 1s\) {2}\(kubelet\)$/);
  });
  it("a CNI line says verb, network, sandbox and outcome", () => {
    const call = { verb: "ADD" as const, network: "aws-cni", ifName: "eth0", pod: "ns/p", sandboxId: "a".repeat(64), netns: "/run/netns/cni-1", durationMs: 41.6, ok: false, error: "plugin failed", ips: [] };
    expect(formatRecord({ kind: "cni", at: 100, call }, 0)).toMatch(/^\+0\.100s  cni +CNI ADD aws-cni eth0 +ns\/p /);
    expect(formatRecord({ kind: "cni", at: 100, call }, 0)).toMatch(/sandbox a{12} netns=\/run\/netns\/cni-1 42ms FAILED: plugin failed$/);
    expect(formatRecord({ kind: "cni", at: 100, call: { ...call, ok: true, ips: ["10.0.0.5/32"], netns: "" } }, 0)).toMatch(/netns="" 42ms ok 10\.0\.0\.5\/32$/);
  });
  it("a failed ADD line keeps the plugin's message and leaves its details to the warning; a DEL keeps all", () => {
    const error = 'plugin type="mock-vpc-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container; pod sgp-demo/sgp-pod-1, ... 900 characters of details';
    const call = { verb: "ADD" as const, network: "aws-cni", ifName: "eth0", pod: "ns/p", sandboxId: "a".repeat(64), netns: "/run/netns/cni-1", durationMs: 41.6, ok: false, error, ips: [] };
    const line = formatRecord({ kind: "cni", at: 100, call }, 0);
    expect(line).toMatch(/FAILED: plugin type="mock-vpc-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container \(details in the FailedCreatePodSandBox warning\)$/);
    expect(line).not.toContain("900 characters");
    expect(formatRecord({ kind: "cni", at: 100, call: { ...call, verb: "DEL" } }, 0)).toContain("900 characters of details");
  });
  it("the summary lists pods, the verdict and problems, in plain words", () => {
    const text = formatSummary({ ok: false, ended: "completed", verdict: "UNEXPECTED", durationMs: 4_200, warnings: 1, problems: ["x: never running"], pods: [
      { pod: "ns/p", branch: true, timeToRunningMs: 2_345, attempts: 2, warnings: 1, transientExpected: 1, real: 0 },
      { pod: "ns/q", branch: false, timeToRunningMs: 100, attempts: 1, warnings: 0, transientExpected: 0, real: 0 },
    ] });
    expect(text).toContain("running after 2.345s");
    expect(text).toContain("2 sandbox attempts, 1 warning: 1 transient-expected, 0 real");
    expect(text).toContain("1 sandbox attempt, no warnings");
    expect(text).not.toMatch(/\(s\)/);
    expect(text).toContain("RESULT: UNEXPECTED\n    - x: never running");
  });
  it("a pod the scheduler could not place says so with the scheduler's message", () => {
    const text = formatSummary({ ok: true, ended: "completed", verdict: "ok", durationMs: 1, warnings: 1, problems: [], pods: [
      { pod: "ns/p10", branch: true, timeToRunningMs: undefined, attempts: 0, warnings: 1, transientExpected: 0, real: 0, unschedulable: "0/1 nodes are available: 1 Insufficient vpc.amazonaws.com/pod-eni." },
    ] });
    expect(text).toMatch(/ns\/p10 +branch ENI +Pending: FailedScheduling: 0\/1 nodes are available: 1 Insufficient vpc\.amazonaws\.com\/pod-eni\./);
  });
});

/** A hand-driven clock and timer for the printers' time ordering. */
function fakeTimers() {
  const pending: (() => void)[] = [];
  const f = {
    t: 0,
    now: () => f.t,
    set(fn: () => void) {
      pending.push(fn);
      return () => void pending.splice(pending.indexOf(fn), 1);
    },
    fire() {
      for (const fn of pending.splice(0)) fn();
    },
  };
  return f;
}

describe("printers", () => {
  it("plain prints status only when it changes", () => {
    const b = new Buf();
    let t = 0;
    const p = plainPrinter(b, 0, () => t);
    p.status("a");
    t = 250;
    p.status("a");
    p.status("b");
    p.record({ kind: "info", at: 1_000, text: "hello" });
    expect(b.text).toBe("+0.000s  ... a\n+0.250s  ... b\n+1.000s  hello\n");
  });
  it("terminal redraws one status line under the records, truncated to the width", () => {
    const b = new Buf();
    const p = terminalPrinter(b, 0);
    p.status("x".repeat(100));
    p.record({ kind: "info", at: 0, text: "rec" });
    expect(b.text).toContain("\r\x1b[2K+0.000s  rec\n");
    expect(b.text).toContain(`${"x".repeat(58)}…`);
    expect(b.text).not.toContain("x".repeat(60));
  });
  it("real-time printers put lines in time order: offsets never go back", () => {
    const b = new Buf();
    const fake = fakeTimers();
    const p = plainPrinter(b, 0, fake.now, fake);
    fake.t = 1_050;
    p.status("0/1 pods running");
    // The Scheduled event happened at 1.043 s but arrives over the watch after the status line.
    fake.t = 1_052;
    p.record({ kind: "event", at: 1_043, event: ev({ reason: "Scheduled", type: "Normal" }) });
    fake.t = 1_400;
    fake.fire();
    // A straggler from long before is printed at the last printed time, never before it.
    p.record({ kind: "info", at: 900, text: "late" });
    p.close();
    const offsets = b.text.trim().split("\n").map((l) => Number(/^\+(\d+\.\d+)s/.exec(l)?.[1]));
    expect(b.text).toMatch(/^\+1\.043s  Normal +Scheduled[^\n]*\n\+1\.050s  \.\.\. 0\/1 pods running\n\+1\.050s  late\n$/);
    expect(offsets).toEqual([...offsets].sort((a, c) => a - c));
  });
  it("json prints one parseable object per record, with the offset", () => {
    const b = new Buf();
    const p = jsonPrinter(b, 1_000);
    p.status("ignored");
    p.record({ kind: "event", at: 1_250, event: ev() });
    p.summary({ ok: true, ended: "completed", verdict: "v", durationMs: 1, warnings: 0, problems: [], pods: [] });
    const lines = b.text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ kind: "event", offsetMs: 250, event: { reason: "FailedCreatePodSandBox" } });
    expect(lines[1]).toMatchObject({ kind: "summary", ok: true });
  });
});
