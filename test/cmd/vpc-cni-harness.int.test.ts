// The built CLI: --help on every command, option validation with a clear message and exit 2.
// Needs `npm run build` first.

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
});
