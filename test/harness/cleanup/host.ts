// What a run can leave on this host, as comparable lines: network namespaces, links, IP rules,
// routes of every table, temp dirs, run records and processes of this checkout's daemon or plugin.
// Only the kinds of things a demo or a real-time scenario makes are listed (cni-* netns, pod veths,
// vlan.eth.N, the daemon's h?????-* links, rules at 10/512/1536, harness temp dirs), so that
// unrelated changes on a shared machine do not show.

import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { execa } from "execa";
import { runsDir } from "../../../harness/cleanup/where.js";

const OUR_LINK = /^(eni[0-9a-f]{11}|vlan[0-9a-f]{11}|vlan\.eth\.\d+|h[0-9a-z]{5}-(eni|trunk)\d+p?|mh-(eni|trunk)\d+p?)$/;

async function lines(args: string[]): Promise<string[]> {
  const r = await execa("ip", args, { reject: false });
  return r.stdout.split("\n").filter((l) => l.trim() !== "");
}

function ls(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Processes of this checkout's built daemon or plugin (by command line). */
function ourProcesses(distDir: string): string[] {
  const out: string[] = [];
  for (const pid of ls("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      if (cmd.includes(`${distDir}/cmd/mock-ipamd.js`) || cmd.includes(`${distDir}/bin/mock-vpc-cni`) || cmd.includes("/vpc-cni-harness-")) out.push(`process ${pid}: ${cmd.trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function hostState(distDir: string): Promise<string[]> {
  const [links, rules, routes] = await Promise.all([lines(["-o", "link", "show"]), lines(["-4", "rule", "show"]), lines(["-4", "route", "show", "table", "all"])]);
  return [
    ...ls("/run/netns").filter((n) => n.startsWith("cni-")).map((n) => `netns ${n}`),
    ...links.map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? "").filter((n) => OUR_LINK.test(n)).map((n) => `link ${n}`),
    ...rules.filter((r) => /^(10|512|1536):/.test(r)).map((r) => `rule ${r.replace(/\s+/g, " ")}`),
    ...routes.filter((r) => /dev (eni|vlan)|table 1\d\d\b/.test(r)).map((r) => `route ${r}`),
    ...ls(tmpdir()).filter((n) => n.startsWith("vpc-cni-harness-")).map((n) => `temp dir ${n}`),
    ...ls(runsDir()).map((n) => `run record ${n}`),
    ...ourProcesses(distDir),
  ].sort();
}
