// The execa batch runner against real processes: stdin reaches iproute2, failures are attributed,
// and the deadline kills a process that hangs.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execaBatchRunner } from "../../../plugin/dataplane/batch.js";
import { itIf, needRoot } from "../../helpers/prereq.js";
import { eventually } from "../../helpers/wait.js";

const dir = mkdtempSync(join(tmpdir(), "batch-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("execaBatchRunner", () => {
  it("feeds the lines to ip -batch and reports the failing line", async () => {
    const run = execaBatchRunner({ ipPath: "/usr/sbin/ip", nsenterPath: "/usr/bin/nsenter" });
    const r = await run(["link show lo", "link show does-not-exist-h2"], { force: true, json: true }, AbortSignal.timeout(10_000));
    expect(r.exitCode).not.toBe(0);
    expect(JSON.parse(r.stdout.split("\n")[0] ?? "")).toEqual([expect.objectContaining({ ifname: "lo" })]);
    expect(r.failures).toEqual([{ line: 2, message: expect.stringMatching(/does-not-exist-h2/) }]);
  });

  itIf(needRoot(), "runs inside a netns given as /proc/<pid>/ns/net (nsenter) and by name (ip -n) (needs root)", async () => {
    const name = `h2b-${process.pid}`;
    execFileSync("ip", ["netns", "add", name]);
    const holder = spawn("ip", ["netns", "exec", name, "sleep", "30"], { stdio: "ignore" });
    try {
      // `ip netns exec` switches to the namespace in its own process: wait until it has.
      await eventually("the holder inside the netns", () => statSync(`/proc/${holder.pid}/ns/net`).ino === statSync(`/run/netns/${name}`).ino, 10_000);
      const run = execaBatchRunner({ ipPath: "/usr/sbin/ip", nsenterPath: "/usr/bin/nsenter" });
      for (const netns of [`/proc/${holder.pid}/ns/net`, `/run/netns/${name}`]) {
        const r = await run(["link show"], { netns, json: true }, AbortSignal.timeout(10_000));
        expect(JSON.parse(r.stdout.trim()).map((l: { ifname: string }) => l.ifname)).toEqual(["lo"]);
      }
    } finally {
      holder.kill("SIGKILL");
      execFileSync("ip", ["netns", "del", name]);
    }
  });

  it("kills a process that outlives the deadline", async () => {
    const hang = join(dir, "hang");
    const pidFile = join(dir, "hang.pid");
    writeFileSync(hang, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`);
    chmodSync(hang, 0o755);
    const run = execaBatchRunner({ ipPath: hang, nsenterPath: "/usr/bin/nsenter" });
    // The deadline passes once the process runs (its pid written), however slow its start.
    const deadline = new AbortController();
    const ran = run(["link show lo"], {}, deadline.signal);
    await eventually("the hung process to start", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), 10_000);
    deadline.abort();
    await expect(ran).rejects.toBeDefined();
    // The process that outlived the deadline was killed and reaped, not left running.
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});
