// The built CLI end to end: `vpc-cni-harness scenario ...` as a user runs it (node dist/...).

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/demo/paths.js";

const run = promisify(execFile);
const root = packageRoot();
const CLI = join(root, "dist", "cmd", "vpc-cni-harness.js");
const built = existsSync(CLI) && existsSync(join(root, "dist", "harness", "scenario", "command.js"));
const dir = mkdtempSync(join(tmpdir(), "h7-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { cwd: root, timeout: 120_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}

describe.skipIf(!built)("vpc-cni-harness scenario (built CLI; needs `npm run build`)", () => {
  it("list shows the shipped scenarios", async () => {
    const r = await cli(["scenario", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^basic /m);
    expect(r.stdout).toMatch(/^scale-1000 /m);
  });

  it("run basic --simulated passes, prints the sequence, writes an SVG", async () => {
    const svg = join(dir, "basic.svg");
    const r = await cli(["scenario", "run", "basic", "--simulated", "--timeline", svg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FailedCreatePodSandBox .*\[transient-expected\]/);
    expect(r.stdout).toMatch(/expectations: all met/);
    expect(r.stdout).toMatch(/instead of exec'ing the plugin/);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg [\s\S]*class="pod-row"/);
  });

  it("--json gives one JSON object per line, ending with the result", async () => {
    const r = await cli(["scenario", "run", "ipamd-restart", "--json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; passed?: boolean });
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.at(-1)).toMatchObject({ kind: "result", passed: true });
  });

  it("validate reports the path and problem, exit 1", async () => {
    const r = await cli(["scenario", "validate", join(root, "package.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/package\.json: \d+ problems:/);
    expect(r.stderr).toMatch(/^  nodes: Invalid input: expected array/m);
  });
});
