/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The timeline pages in a real browser (Debian's chromium, driven by playwright-core): every event
// label is rendered and no two labels' boxes overlap, every panel has axis values, the legend has
// every line, and the page has one header. For the demo's timeline (a real run, as root), the
// `basic` scenario and scale-1000 (simulated). Without chromium the test skips, except under CI,
// where it fails (scripts/ensure-deps.sh installs it as root).

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/daemon.js";
import { describeIf, itIf, needRoot } from "../../helpers/prereq.js";

const CHROMIUM = "/usr/bin/chromium";
const CLI = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");
const have = existsSync(CHROMIUM);
const dir = mkdtempSync(join(tmpdir(), "ux-browser-"));
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface PageFacts {
  markers: number;
  labels: Box[];
  legend: { key: string; box: Box }[];
  axes: { cls: string; values: string[] }[];
  h1: number;
  svgTitles: number;
  svgLegends: number;
}

async function facts(page: Page): Promise<PageFacts> {
  return page.evaluate(() => {
    const box = (e: Element): Box => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent ?? "", x: r.x, y: r.y, w: r.width, h: r.height };
    };
    return {
      markers: document.querySelectorAll("svg g.event-marker").length,
      labels: [...document.querySelectorAll("svg text.event-label")].map(box),
      legend: [...document.querySelectorAll("ul.legend li")].map((li) => ({ key: li.getAttribute("data-key") ?? "", box: box(li) })),
      axes: [...document.querySelectorAll("svg g.axis-y")].map((g) => ({ cls: g.getAttribute("class") ?? "", values: [...g.querySelectorAll("text")].map((t) => t.textContent ?? "") })),
      h1: document.querySelectorAll("h1").length,
      svgTitles: document.querySelectorAll("svg text.title").length,
      svgLegends: document.querySelectorAll("svg g.legend").length,
    };
  });
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function overlapping(boxes: readonly Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i] as Box;
    const b = boxes[j] as Box;
    if (overlaps(a, b)) out.push(`${a.text}@${Math.round(a.x)},${Math.round(a.y)} / ${b.text}@${Math.round(b.x)},${Math.round(b.y)}`);
  }
  return out;
}

// In CI a missing browser is a failure, not a skip.
describeIf(have ? undefined : `${CHROMIUM} (Debian's chromium: scripts/ensure-deps.sh)`, "the timeline page in chromium", { timeout: 240_000 }, () => {
  let context: BrowserContext;
  beforeAll(async () => {
    if (!have) throw new Error(`${CHROMIUM} is missing: scripts/ensure-deps.sh installs Debian's chromium (as root)`);
    context = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM, headless: true, args: FLAGS });
  });
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<PageFacts> {
    const page = await context.newPage();
    await page.goto(`file://${file}`);
    const f = await facts(page);
    await page.close();
    return f;
  }

  function checkLabels(f: PageFacts): void {
    expect(f.markers).toBeGreaterThan(0);
    // Every event has its label, rendered with a real size, and no two labels touch.
    expect(f.labels).toHaveLength(f.markers);
    for (const l of f.labels) expect(l.w * l.h, l.text).toBeGreaterThan(0);
    expect(overlapping(f.labels)).toEqual([]);
    expect(overlapping(f.legend.map((l) => l.box))).toEqual([]);
    expect(f.h1).toBe(1);
    expect(f.svgTitles).toBe(0);
    expect(f.svgLegends).toBe(0);
  }

  async function scenarioPage(name: string): Promise<string> {
    const file = join(dir, `${name}.html`);
    const r = await execa(process.execPath, [CLI, "scenario", "run", name, "--simulated", "--timeline", file], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    return file;
  }

  it("scale-1000: every label shown without overlap, values on every panel's axes, the dashed line in the legend", async () => {
    const f = await open(await scenarioPage("scale-1000"));
    checkLabels(f);
    expect(f.axes.map((a) => a.cls)).toEqual(["axis-y running", "axis-y inflight", "axis-y failures", "axis-y histogram"]);
    for (const a of f.axes) expect(a.values.length, a.cls).toBeGreaterThanOrEqual(2);
    expect(f.legend.map((l) => l.key)).toEqual(expect.arrayContaining(["running-line", "inflight", "transient", "real", "provisioning"]));
  });

  it("the basic scenario: every label shown without overlap", async () => {
    checkLabels(await open(await scenarioPage("basic")));
  });

  itIf(needRoot(), "the demo's own timeline (a real run): every label, the SGP pod's Started included", async () => {
    const file = join(dir, "demo.html");
    const r = await execa(process.execPath, [CLI, "demo", "--provisioning-delay", "4s", "--timeout", "60s", "--timeline", file], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const f = await open(file);
    checkLabels(f);
    expect(f.labels.filter((l) => l.text === "Started")).toHaveLength(2);
    expect(f.labels.map((l) => l.text)).toEqual(expect.arrayContaining(["SecurityGroupRequested", "AddNetworkFailed", "FailedCreatePodSandBox", "ResourceAllocated"]));
  });
});
