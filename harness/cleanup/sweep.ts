// Removes what a run left, from its record: first the processes that could still create things
// (plugin execs of the run, then mock-ipamd, which removes its own host links on SIGTERM), then
// the network namespaces, links, rules and the temp dir that are still there; then it looks again
// and reports what could not be removed, with the commands that would do it.

import { readFile, readdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { errorMessage } from "../../common/errors.js";
import { controlClient } from "../../ipamd/index.js";
import { planCleanup, shellLine } from "./plan.js";
import type { CleanupStep, HostSnapshot, LinkRow, RuleRow } from "./plan.js";
import { isAlive, startTicks } from "./record.js";
import type { RecordedAddress, RecordedProcess, RunRecord } from "./record.js";

const IP_TIMEOUT_MS = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface SweepOptions {
  /** Do not wait for plugins to finish or the daemon to shut down cleanly (a second Ctrl-C). */
  hurry: boolean;
  /** Progress, one line per thing removed. */
  log?: (text: string) => void;
}

export interface SweepResult {
  removed: string[];
  /** Still there after the sweep, with the commands that remove it. */
  remaining: CleanupStep[];
  /** Processes still alive (pid), which a `kill -9` ends. */
  alive: number[];
  problems: string[];
}

/** Processes exec'd with this run's CNI bin dir (the plugin, and the `ip` it runs): found by their environment. */
async function runProcesses(dir: string): Promise<number[]> {
  const marker = `CNI_PATH=${join(dir, "bin")}`;
  const out: number[] = [];
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const env = await readFile(`/proc/${name}/environ`, "utf8").catch(() => "");
    if (env.split("\0").some((v) => v === marker || v.startsWith(`${marker}:`))) out.push(Number(name));
  }
  return out;
}

async function waitGone(pids: readonly RecordedProcess[], ms: number): Promise<RecordedProcess[]> {
  const deadline = Date.now() + ms;
  let left = [...pids];
  for (;;) {
    const alive = await Promise.all(left.map(async (p) => ((await isAlive(p)) ? [p] : [])));
    left = alive.flat();
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(100);
  }
}

const kill = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
};

/** Plugin execs still running for this run: let them finish (they have deadlines), or kill them. */
async function stopPlugins(r: RunRecord, o: SweepOptions): Promise<void> {
  const pids = await runProcesses(r.dir);
  if (pids.length === 0) return;
  const procs = (await Promise.all(pids.map(async (pid) => ({ pid, startTicks: (await startTicks(pid)) ?? "" })))).filter((p) => p.startTicks !== "");
  const left = await waitGone(procs, o.hurry ? 0 : 15_000);
  for (const p of left) kill(p.pid, "SIGKILL");
  await waitGone(left, 2_000);
  o.log?.(`plugin processes of the run: ${pids.length} (${left.length} killed)`);
}

/** Addresses and host links the live daemon knows of (branch ENIs are in no checkpoint). */
async function fromDaemon(r: RunRecord): Promise<Pick<RunRecord, "addresses" | "hostLinks">> {
  if (r.daemon === undefined || !(await isAlive(r.daemon.process))) return { addresses: [], hostLinks: [] };
  // The control API has its own socket, control.sock next to the CNI socket (mock-ipamd's default).
  const control = controlClient(`unix://${join(dirname(r.daemon.socket), "control.sock")}`);
  try {
    const [{ enis }, { leases }] = await Promise.all([control.ListENIs({}, { timeoutMs: 2_000 }), control.ListLeases({}, { timeoutMs: 2_000 })]);
    const branch = enis.filter((e) => e.branch).flatMap((e) => e.ipv4_addresses.map((ip): RecordedAddress => ({ ip, vlanId: e.vlan_id, vlanMac: e.mac })));
    return { addresses: [...branch, ...leases.map((l): RecordedAddress => ({ ip: l.ipv4 }))], hostLinks: enis.map((e) => e.host_link).filter((n) => n !== "") };
  } catch {
    return { addresses: [], hostLinks: [] };
  } finally {
    control.close();
  }
}

/** Ordinary pods' addresses from the daemon's checkpoint (`<state-dir>/ipam.json`, docs/REFERENCE.md §4). */
async function fromCheckpoint(r: RunRecord): Promise<RecordedAddress[]> {
  try {
    const json = JSON.parse(await readFile(join(r.dir, "ipamd", "ipam.json"), "utf8")) as { allocations?: { ipv4?: unknown }[] };
    return (json.allocations ?? []).flatMap((a) => (typeof a.ipv4 === "string" && /^\d+\.\d+\.\d+\.\d+$/.test(a.ipv4) ? [{ ip: a.ipv4 }] : []));
  } catch {
    return [];
  }
}

async function stopDaemon(r: RunRecord, o: SweepOptions): Promise<RecordedProcess | undefined> {
  const d = r.daemon?.process;
  if (d === undefined || !(await isAlive(d))) return undefined;
  // SIGTERM: the daemon flushes its checkpoint and removes its host links itself.
  kill(d.pid, "SIGTERM");
  if ((await waitGone([d], o.hurry ? 3_000 : 10_000)).length > 0) kill(d.pid, "SIGKILL");
  const left = await waitGone([d], 2_000);
  o.log?.(`mock-ipamd (pid ${d.pid}) stopped`);
  return left[0];
}

async function ipJson<T>(args: readonly string[]): Promise<T[]> {
  const r = await execa("ip", ["-j", ...args], { reject: false, timeout: IP_TIMEOUT_MS });
  if (r.exitCode !== 0) return [];
  try {
    return JSON.parse(r.stdout || "[]") as T[];
  } catch {
    return [];
  }
}

export async function snapshot(r: RunRecord): Promise<HostSnapshot> {
  const dirExists = await stat(r.dir).then(() => true, () => false);
  if (!r.root) return { netns: [], rules: [], links: [], dirExists };
  const [netns, rules, links] = await Promise.all([
    readdir("/run/netns").catch(() => [] as string[]),
    ipJson<RuleRow>(["-4", "rule", "show"]),
    ipJson<LinkRow>(["link", "show"]),
  ]);
  return { netns, rules, links, dirExists };
}

async function execute(step: CleanupStep): Promise<string | undefined> {
  if (step.argv[0] === "rm") {
    await rm(step.argv[2] ?? "", { recursive: true, force: true });
    return undefined;
  }
  const r = await execa(step.argv[0] ?? "ip", step.argv.slice(1), { reject: false, timeout: IP_TIMEOUT_MS });
  // Gone meanwhile (a veth's peer went with it, a netns with its last link) is fine.
  if (r.exitCode === 0 || /Cannot find device|No such file|does not exist/i.test(r.stderr)) return undefined;
  return `${shellLine(step)}: ${r.stderr.trim() || r.shortMessage}`;
}

export function withAddresses(r: RunRecord, extra: Pick<RunRecord, "addresses" | "hostLinks">): RunRecord {
  const known = new Set(r.addresses.map((a) => a.ip));
  return {
    ...r,
    addresses: [...r.addresses, ...extra.addresses.filter((a) => !known.has(a.ip))],
    hostLinks: [...new Set([...r.hostLinks, ...extra.hostLinks])],
  };
}

export async function sweep(record: RunRecord, o: SweepOptions): Promise<SweepResult> {
  const problems: string[] = [];
  await stopPlugins(record, o).catch((e: unknown) => void problems.push(`plugin processes: ${errorMessage(e)}`));
  let r = withAddresses(record, await fromDaemon(record));
  r = withAddresses(r, { addresses: await fromCheckpoint(r), hostLinks: [] });
  const daemonLeft = await stopDaemon(r, o).catch((e: unknown) => void problems.push(`mock-ipamd: ${errorMessage(e)}`));
  const removed: string[] = [];
  for (const step of planCleanup(r, await snapshot(r))) {
    const failed = await execute(step).catch((e: unknown) => `${shellLine(step)}: ${errorMessage(e)}`);
    if (failed === undefined) {
      removed.push(step.what);
      o.log?.(`removed ${step.what}`);
    } else problems.push(failed);
  }
  const remaining = planCleanup(r, await snapshot(r));
  return { removed, remaining, alive: daemonLeft === undefined ? [] : [daemonLeft.pid], problems };
}

/** The commands that finish a cleanup by hand. */
export function commandsFor(result: Pick<SweepResult, "remaining" | "alive">): string[] {
  return [...result.alive.map((pid) => `kill -9 ${pid}`), ...result.remaining.map(shellLine)];
}
