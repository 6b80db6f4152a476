// The SVG/HTML timeline's structure, asserted by parsing the text: rows, bars, markers, ticks.

import { describe, expect, it } from "vitest";
import { renderTimelineHtml, renderTimelineSvg } from "../../../harness/timeline/index.js";
import { makeScale } from "../../../harness/timeline/scale.js";
import { basicTimeline, crowdTimeline, event } from "./fixtures.js";

const count = (text: string, re: RegExp): number => [...text.matchAll(re)].length;

function podRows(svg: string): string[] {
  return [...svg.matchAll(/<g class="pod-row" data-pod="([^"]+)">/g)].map((m) => m[1] as string);
}

describe("renderTimelineSvg with few pods", () => {
  const data = basicTimeline();
  const svg = renderTimelineSvg(data);

  it("is one well-formed svg document with balanced groups", () => {
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(count(svg, /<g[ >]/g)).toBe(count(svg, /<\/g>/g));
  });

  it("draws one row per pod, in order", () => {
    expect(podRows(svg)).toEqual(["default/sgp-pod", "default/plain-pod"]);
  });

  it("draws each sandbox attempt as a bar classed by outcome and classification", () => {
    expect(count(svg, /<rect class="attempt /g)).toBe(3);
    expect(count(svg, /class="attempt attempt-failed transient-expected"[^>]*fill="url\(#hatch-transient\)"/g)).toBe(1);
    expect(count(svg, /class="attempt attempt-ok"/g)).toBe(2);
    expect(svg).toContain('<pattern id="hatch-transient"');
  });

  it("draws the provisioning window only for the branch pod, with its vlan in the hover title", () => {
    expect(count(svg, /<rect class="provisioning provisioning-ok"/g)).toBe(1);
    expect(svg).toMatch(/branch-ENI provisioning 2\.15s \(vlan 1, eni-1\)/);
  });

  it("marks every event and labels every one of them", () => {
    expect(count(svg, /<g class="event-marker"/g)).toBe(6);
    expect(count(svg, /class="event-label"/g)).toBe(6);
    expect(svg).toContain('data-reason="FailedCreatePodSandBox"');
  });

  it("stacks labels of events at the same moment instead of dropping or overlapping them", () => {
    const d = basicTimeline();
    const burst = ["Pulled", "Created", "Started", "Killing", "SecurityGroupRequested"].map((r) => event("sgp-pod", r, 3200));
    const out = renderTimelineSvg({ ...d, pods: [{ ...d.pods[0]!, events: burst }] });
    const ys = [...out.matchAll(/<text class="event-label" x="([\d.]+)" y="([\d.]+)"/g)].map((m) => Number(m[2]));
    expect(ys).toHaveLength(5);
    expect(new Set(ys).size).toBe(5);
  });

  it("labels each row without hovering: the pod's name and what happened to it", () => {
    expect(svg).toMatch(/<text class="row-summary"[^>]*>running after 2\.20s, 1 failed<title>/);
    expect(svg).toMatch(/<text class="row-summary"[^>]*>running after 130ms<title>/);
  });

  it("has a title and a legend of everything drawn", () => {
    expect(count(svg, /<text class="title"/g)).toBe(1);
    const keys = [...svg.matchAll(/<g class="legend-item" data-key="([^"]+)"/g)].map((m) => m[1]);
    expect(keys).toEqual(["ok", "transient", "real", "pending", "provisioning", "running-mark", "warning", "normal"]);
  });

  it("has axis ticks from 0 covering the run, labelled", () => {
    const ticks = [...svg.matchAll(/<g class="tick" data-ms="(\d+)">/g)].map((m) => Number(m[1]));
    expect(ticks[0]).toBe(0);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(3200);
    const steps = new Set(ticks.slice(1).map((t, i) => t - (ticks[i] as number)));
    expect(steps.size).toBe(1);
  });

  it("escapes text from the data", () => {
    expect(svg).toContain("basic &lt;sequence&gt;");
    expect(svg).not.toContain("<for>");
    expect(svg).toContain("&amp; co");
  });

  it("places a later attempt further right than an earlier one", () => {
    const xs = [...svg.matchAll(/<rect class="attempt [^"]*" x="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs[1]).toBeGreaterThan(xs[0] as number);
  });

  it("draws node events on a labelled cluster row above the pods", () => {
    const d = basicTimeline();
    const restart = { ...event("x", "IpamdStarted", 2000), involvedObject: { kind: "Node" as const, namespace: "", name: "node-1", uid: "" } };
    const out = renderTimelineSvg({ ...d, clusterEvents: [restart] });
    const row = /<g class="cluster-row events">([\s\S]*?)<\/g><g class="pod-row"/.exec(out)?.[1] ?? "";
    expect(row).not.toBe("");
    expect(row).toContain('data-reason="IpamdStarted"');
    expect(row).toMatch(/class="event-label"[^>]*>IpamdStarted</);
    expect(out.indexOf("cluster-row events")).toBeLessThan(out.indexOf('class="pod-row"'));
  });

  it("shows aggregated event counts in the marker title", () => {
    const d = basicTimeline();
    const pods = [{ ...d.pods[0]!, events: [event("sgp-pod", "FailedCreatePodSandBox", 1050, "Warning", 3)] }];
    expect(renderTimelineSvg({ ...d, pods })).toMatch(/FailedCreatePodSandBox \(x3 over 2\.00s\)/);
  });
});

describe("renderTimelineSvg with 1000 pods", () => {
  const svg = renderTimelineSvg(crowdTimeline(1000));

  it("aggregates instead of drawing 1000 rows: the slowest 20 pods as rows", () => {
    const rows = podRows(svg);
    expect(rows).toHaveLength(20);
    expect(rows[0]).toBe("scale/sgp-999");
    expect(svg).toContain("slowest 20 of 1000 pods");
  });

  it("has the progress and failure cluster rows and a time-to-running histogram", () => {
    expect(svg).toContain('<g class="cluster-row progress">');
    expect(svg).toContain('<g class="cluster-row failures">');
    expect(svg).toContain("pods running: 1000/1000");
    const bars = [...svg.matchAll(/<rect class="histogram-bar"[^>]*><title>[^:]+: (\d+) pods<\/title>/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(svg).toMatch(/failed sandboxes \(1000\)/);
    expect(count(svg, /<rect class="bucket real"/g)).toBeGreaterThan(0);
  });

  it("gives every panel values on its axes, and the legend its lines", () => {
    const axes = [...svg.matchAll(/<g class="axis-y ([a-z]+)">((?:(?!<\/g>).)*)<\/g>/g)].map((m) => [m[1], [...(m[2] ?? "").matchAll(/>(\d+)<\/text>/g)].map((v) => Number(v[1]))]);
    expect(axes).toEqual([["running", [0, 500, 1000]], ["inflight", expect.arrayContaining([0])], ["failures", expect.arrayContaining([0])], ["histogram", expect.arrayContaining([0])]]);
    for (const [, values] of axes) expect((values as number[]).length).toBeGreaterThanOrEqual(2);
    expect(count(svg, /<g class="axis-x">/g)).toBe(3);
    const keys = [...svg.matchAll(/<g class="legend-item" data-key="([^"]+)"/g)].map((m) => m[1]);
    expect(keys).toContain("running-line");
    expect(keys).toContain("inflight");
    expect(svg).toMatch(/data-key="inflight"><line [^>]*stroke-dasharray="4 2"/);
  });

  it("stays small enough to open (well under 1 MB)", () => {
    expect(svg.length).toBeLessThan(1_000_000);
  });

  it("honours maxPodRows", () => {
    expect(podRows(renderTimelineSvg(crowdTimeline(30), { maxPodRows: 40 }))).toHaveLength(30);
    expect(podRows(renderTimelineSvg(crowdTimeline(30), { maxPodRows: 10 }))).toHaveLength(20);
  });
});

describe("renderTimelineHtml", () => {
  it("wraps the svg with one header, a legend and one table row per pod", () => {
    const html = renderTimelineHtml(basicTimeline());
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(count(html, /<svg xmlns/g)).toBe(1);
    expect(count(html, /<h1>/g)).toBe(1);
    expect(html).not.toContain('<text class="title"');
    expect(html).not.toContain('<g class="legend">');
    expect(html).toContain('<ul class="legend">');
    expect(html).toContain("transient-expected (branch ENI not ready yet)");
    expect(count(html, /<tr><td>/g)).toBe(2);
    expect(html).toContain("<td>default/sgp-pod</td>");
    expect(html).toMatch(/<p class="figures">simulated time \(in-process sandbox runtime\): 2\/2 pods running; time to running p50 130ms, p90 2\.20s, max 2\.20s; 1 failed sandboxes \(1 transient-expected, 0 real\)<\/p>/);
  });
});

describe("makeScale", () => {
  it("picks clock-friendly steps and ends the axis on a tick", () => {
    const s = makeScale(310_000, 100, 1100, 10);
    expect(s.ticks.map((t) => t.label).slice(0, 3)).toEqual(["0", "1m", "2m"]);
    expect(s.spanMs % 60_000).toBe(0);
    expect(s.x(0)).toBe(100);
    expect(s.x(s.spanMs)).toBe(1100);
    const small = makeScale(3200, 0, 1000, 8);
    expect(small.ticks.map((t) => t.ms)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500]);
  });
});
