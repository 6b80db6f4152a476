// `npx vpc-cni-harness` inside the checkout, as the README's first command runs it: npm links the
// checkout into npx's cache and runs `prepare` (scripts/build.mjs). When dist/ is current that is a
// no-op that says so; for a user who does not own the checkout, npx cannot work (npm chmods the
// command files) and every try says why and what works instead. Needs root (to act as nobody),
// `npm run build`, npm and setpriv.

import { mkdtempSync, rmSync, chownSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/daemon.js";
import { describeIf, needRoot } from "../helpers/prereq.js";

const home = mkdtempSync(join(tmpdir(), "ux-npx-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describeIf(needRoot(), "npx in the checkout (acts as another user)", { timeout: 180_000 }, () => {
  it("the first npx in a built checkout does not rebuild, and says so", async () => {
    const cache = join(home, "root-cache");
    const r = await execa("npx", ["vpc-cni-harness", "--version"], { cwd: REPO_ROOT, reject: false, env: { npm_config_cache: cache, npm_config_update_notifier: "false" } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("build: dist/ is up to date with the sources");
    expect(r.stderr).not.toContain("compiling");
  });

  it("a user who does not own the checkout gets a clear message on every try, and `npm run demo` works", async () => {
    const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    chownSync(home, 65534, 65534);
    expect(statSync(REPO_ROOT).uid).not.toBe(65534);
    const env = { HOME: home, npm_config_update_notifier: "false", PATH: process.env.PATH ?? "/usr/bin:/bin" };
    for (const attempt of [1, 2]) {
      const r = await execa("setpriv", [...nobody, "env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "npx", "vpc-cni-harness", "demo"], { cwd: REPO_ROOT, reject: false });
      expect(r.exitCode, `try ${attempt}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr, `try ${attempt}`).toContain(`vpc-cni-harness: npx cannot run the commands of ${REPO_ROOT} as uid 65534: npm makes the package's command files executable`);
      expect(r.stderr, `try ${attempt}`).toContain("npm run demo -- [options]");
      expect(r.stderr).not.toMatch(/ENOENT|EPERM/);
    }
    const ok = await execa("setpriv", [...nobody, "env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "npm", "run", "demo", "--", "--help"], { cwd: REPO_ROOT, reject: false });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("Usage: vpc-cni-harness demo [options]");
  });
});
