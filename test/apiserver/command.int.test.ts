// The api-server command line: usage errors exit 2 before anything starts, the kubeconfig is
// written 0600 before the ready line, SIGINT shuts it down cleanly.
import { statSync } from "node:fs";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { CLI_JS, startApiServerProcess } from "../helpers/apiserver.js";

const run = (args: string[]) => execa(process.execPath, [CLI_JS, "api-server", ...args], { reject: false, timeout: 30_000 });

describe("vpc-cni-harness api-server: command line", () => {
  it("--help lists its flags and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.exitCode).toBe(0);
    for (const flag of ["--listen", "--kubeconfig", "--no-scheduler", "--allow-remote"]) expect(r.stdout).toContain(flag);
  });

  it.each([
    [["--listen", "127.0.0.1:0"], "--kubeconfig FILE is required"],
    [["--listen", "nonsense", "--kubeconfig", "/tmp/kc"], "expected HOST:PORT"],
    [["--listen", "127.0.0.1:70000", "--kubeconfig", "/tmp/kc"], "out of range"],
    [["--listen", "0.0.0.0:0", "--kubeconfig", "/tmp/kc"], "needs --allow-remote"],
    [["--listen", "127.0.0.1:0", "--kubeconfig", "/nonexistent-dir/kc"], "does not exist"],
    [["--listen", "127.0.0.1:0", "--kubeconfig", "/tmp/kc", "--log-level", "loud"], "--log-level"],
    [["--bogus"], "unknown option"],
  ])("%j is a usage error (exit 2): %s", async (args, message) => {
    const r = await run(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("writes the kubeconfig (0600) before the ready line and stops cleanly on SIGINT", async () => {
    const s = await startApiServerProcess();
    expect(statSync(s.kubeconfig).mode & 0o777).toBe(0o600);
    const ready = s.logs.find((l) => l.msg === "ready");
    expect(ready).toMatchObject({ address: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), kubeconfig: s.kubeconfig });
    expect((await s.http("GET", "/version", { auth: false })).json).toMatchObject({ major: "1", minor: "32" });
    expect((await s.http("GET", "/api/v1/pods", { auth: false })).status).toBe(401);
    expect(await s.stop("SIGINT")).toBe(0);
    expect(s.logs.at(-1)).toMatchObject({ msg: "stopped", signal: "SIGINT" });
  });
});
