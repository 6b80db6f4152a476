// The README's "Use the plugin yourself" section, run exactly as written: its ```sh blocks, in order,
// as one bash script (as root, from the checkout), and what they print. Needs root, `npm run build`
// and Debian's Go packages (scripts/ensure-deps.sh).

import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { hostState } from "../harness/cleanup/host.js";
import { REPO_ROOT } from "../helpers/daemon.js";
import { describeIf, needRoot } from "../helpers/prereq.js";


/** The ```sh blocks of the README section that starts with `heading`. */
export function shBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = readme.indexOf("\n## ", start + heading.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

describeIf(needRoot(), "README: Use the plugin yourself", { timeout: 240_000 }, () => {
  it("every command runs as shown: by hand (ADD, CHECK, DEL; the SGP pod's fail-then-retry) and through libcni", async () => {
    const blocks = shBlocks(readFileSync(join(REPO_ROOT, "README.md"), "utf8"), "## Use the plugin yourself");
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const before = await hostState(join(REPO_ROOT, "dist"));
    const r = await execa("bash", ["-c", `set -euo pipefail\n${blocks.join("\n")}`], { cwd: REPO_ROOT, reject: false, all: true, timeout: 200_000 });
    try {
      const out = r.all ?? "";
      expect(r.exitCode, out).toBe(0);
      // By hand: an ordinary pod's result, its address inside the netns, CHECK and DEL.
      expect(out).toMatch(/^\{"cniVersion":"1\.0\.0","interfaces":\[\{"name":"eni[0-9a-f]{11}",.*"ips":\[\{"interface":1,"address":"10\.0\.\d+\.\d+\/32"\}\]/m);
      expect(out).toMatch(/inet 10\.0\.\d+\.\d+\/32 scope global eth0/);
      expect(out.match(/^CHECK ok$/gm)).toHaveLength(2);
      expect(out.match(/^DEL ok$/gm)).toHaveLength(2);
      // The SGP pod: aws-cni's failure first, then its branch ENI (VLAN in the dummy entry's mac).
      expect(out).toMatch(/^\{"cniVersion":"1\.0\.0","code":999,"msg":"add cmd: failed to assign an IP address to container","details":"pod sgp\/example-sgp, /m);
      expect(out).toMatch(/^exit status 1$/m);
      expect(out).toMatch(/"name":"vlan[0-9a-f]{11}".*"name":"dummy[0-9a-f]{11}","mac":"\d+"\}\],"ips":\[\{"interface":1,"address":"10\.0\.32\.\d+\/32","gateway":"10\.0\.32\.1"\}\]/);
      // Through libcni: the same plugin in a conflist, its result with libcni's "dns" field.
      expect(out).toMatch(/"sandbox":"\/run\/netns\/example-pod-2".*"dns":\{\}\}/);
      expect(await hostState(join(REPO_ROOT, "dist")), out).toEqual(before);
    } finally {
      for (const ns of ["example-pod", "example-sgp", "example-pod-2"]) await execa("ip", ["netns", "delete", ns], { reject: false });
      // A daemon the script left (it failed before its last block), found by its own state dir.
      for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
        const cmd = (() => { try { return readFileSync(`/proc/${pid}/cmdline`, "utf8"); } catch { return ""; } })();
        if (cmd.includes("mock-ipamd.js") && cmd.includes("/run/mock-ipamd-example")) process.kill(Number(pid), "SIGTERM");
      }
      rmSync("/run/mock-ipamd-example", { recursive: true, force: true });
      rmSync("/run/mock-ipamd-example.log", { force: true });
    }
  });
});
