// The built CLI: --help on every command, option validation with a clear message and exit 2.
// Needs `npm run build` first.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/daemon.js";

const CLI = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");
const run = (...args: string[]) => execa(process.execPath, [CLI, ...args], { reject: false, timeout: 30_000 });

describe("vpc-cni-harness CLI", () => {
  it("--help lists the commands", async () => {
    const r = await run("--help");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Usage: vpc-cni-harness/);
    expect(r.stdout).toMatch(/demo \[options\]/);
    expect(r.stdout).toMatch(/scenario/);
  });

  it("demo --help documents every option", async () => {
    const r = await run("demo", "--help");
    expect(r.exitCode).toBe(0);
    for (const opt of ["--provisioning-delay", "--instance-type", "--pods", "--wait-for-branch-eni", "--timeline", "--json", "--keep"]) expect(r.stdout).toContain(opt);
  });

  it("scenario --help works", async () => {
    const r = await run("scenario", "--help");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("run");
  });

  it("a bad option value is refused before anything starts", async () => {
    const r = await run("demo", "--pods", "0");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("--pods");
    const d = await run("demo", "--provisioning-delay", "soon");
    expect(d.exitCode).toBe(2);
    expect(d.stderr).toContain("not a duration");
  });

  it("every usage error exits 2 before anything starts, with a message that names the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["--bogus"], /unknown option '--bogus'/],
      [["bogus"], /unknown command 'bogus'/],
      [["demo", "--bogus"], /unknown option '--bogus'/],
      [["demo", "--instance-type", "nosuch"], /--instance-type: instance type "nosuch" is not known; known types: /],
      [["demo", "--timeline", "/nonexistent-dir/x.svg"], /--timeline \/nonexistent-dir\/x\.svg: directory \/nonexistent-dir is not writable/],
      [["demo", "--timeline", "x.png"], /--timeline x\.png: the picture is written as \.svg or \.html only; png is not produced/],
      [["demo", "--pods"], /argument missing/],
      [["scenario", "run", "basic", "--real", "--simulated"], /option '--(real|simulated)' cannot be used with option '--(real|simulated)'/],
      [["scenario", "run", "basic", "--timeline", "s.png"], /the picture is written as \.svg or \.html only/],
      [["scenario", "run", "basc"], /no scenario file or shipped scenario named "basc"; did you mean "basic"\?/],
      [["scenario", "run"], /missing required argument 'file'/],
      [["scenario", "bogus"], /unknown command 'bogus'/],
      [["cleanup", "no-such-run"], /cleanup: no run "no-such-run"/],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.exitCode, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      // Nothing started: no daemon, no run.
      expect(r.stdout, args.join(" ")).not.toMatch(/starting mock-ipamd|mock-ipamd ready/);
    }
  });

  it("--version prints the package's version", async () => {
    const r = await run("--version");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version);
  });

  it("scenario validate: 0 valid, 1 invalid with every problem and its line, 2 no such file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ux-validate-"));
    try {
      const bad = join(dir, "bad.yaml");
      writeFileSync(bad, "name: t\nnodes: [{ name: n, instanceType: nosuch }]\npods: [{ name: p, at: soon }]\n");
      const r = await run("scenario", "validate", bad);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/2 problems:\n {2}line 2, column \d+: nodes\[0\]\.instanceType: instance type "nosuch" is not known[^\n]*\n {2}line 3, column \d+: pods\[0\]\.at: "soon" is not a duration/);
      expect((await run("scenario", "validate", "basic")).exitCode).toBe(0);
      expect((await run("scenario", "validate", join(dir, "none.yaml"))).exitCode).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the README's scale-200-wait comparison exits 0 both ways: the expectations follow the mode", async () => {
    for (const args of [["scenario", "run", "scale-200-wait"], ["scenario", "run", "scale-200-wait", "--wait-for-branch-eni", "0s"]]) {
      const r = await run(...args);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("expectations: all met");
    }
  });
});
