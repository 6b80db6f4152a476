// The fabric's I/O on this node's network namespace: reads what it owns with `ip -j` (parsed and
// checked here) and applies steps with one `ip -force -batch -` per round; sysctls through
// /proc/sys. Both ports are injectable (tests drive another netns through them).

import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { FabricOp } from "./diff.js";
import { renderOp } from "./render.js";
import type { FabricAddr, FabricNeigh, FabricRoute, FabricRule, FabricState, FabricSysctl } from "./types.js";
import { FABRIC_TABLE, MAIN_TABLE, PRIO_FABRIC, PRIO_TRUNK_FABRIC, PRIO_TRUNK_MAIN } from "./types.js";
import { ipv4, linkName, mac } from "./values.js";

export interface IpResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs `ip ARGS` (stdin: `input`), never throwing for a non-zero exit. */
export type IpPort = (args: readonly string[], opts: { input?: string; signal: AbortSignal }) => Promise<IpResult>;

export interface SysctlPort {
  /** undefined when the link (or key) does not exist. */
  read(dev: string, key: FabricSysctl["key"]): Promise<string | undefined>;
  write(dev: string, key: FabricSysctl["key"], value: string): Promise<void>;
}

/**
 * `ip` as a plain child process. The fabric runs it several times a round, so this is
 * node:child_process without a wrapper: execa's per-call set-up (signal handlers, stream helpers)
 * cost about as much of the daemon's CPU as the fork itself (README, "30 SGP pods on 3 m5.xlarge
 * nodes"). A timeout or an abort rejects; a non-zero exit resolves with its code.
 */
export function spawnIp(timeoutMs = 10_000): IpPort {
  return (args, { input, signal }) => new Promise<IpResult>((resolve, reject) => {
    const what = `ip ${args.join(" ")}`;
    const child = spawn("ip", [...args], { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL", signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (d: Buffer) => void out.push(d));
    child.stderr?.on("data", (d: Buffer) => void err.push(d));
    child.once("error", (e) => reject(new HarnessError("unavailable", `${what}: ${errorMessage(e)}`)));
    child.once("close", (code, sig) => {
      if (code === null) {
        reject(new HarnessError("unavailable", `${what}: ${signal.aborted ? "aborted" : `killed by ${sig ?? "a signal"} (timeout ${timeoutMs} ms)`}`));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), exitCode: code });
    });
    if (input !== undefined) {
      // ip may exit before reading all of it (a bad first line): EPIPE is its exit code's business.
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(input);
    }
  });
}

/** /proc/sys of the calling process's network namespace. */
export const procSysctl: SysctlPort = {
  read: (dev, key) => readFile(`/proc/sys/net/ipv4/conf/${dev}/${key}`, "utf8").then((t) => t.trim(), () => undefined),
  write: (dev, key, value) => writeFile(`/proc/sys/net/ipv4/conf/${dev}/${key}`, `${value}\n`),
};

function json(r: IpResult, what: string): unknown[] {
  if (r.exitCode !== 0) throw new HarnessError("unavailable", `ip ${what}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  try {
    const v = JSON.parse(r.stdout.trim() === "" ? "[]" : r.stdout) as unknown;
    return Array.isArray(v) ? v : [];
  } catch (e) {
    throw new HarnessError("internal", `ip ${what}: not JSON: ${errorMessage(e)}`);
  }
}

type Row = Record<string, unknown>;
const str = (row: Row, k: string): string | undefined => (typeof row[k] === "string" ? (row[k] as string) : undefined);

/** Parses a row, or drops it (something the fabric did not write and cannot name safely). */
function tryParse<T>(f: () => T): T[] {
  try {
    return [f()];
  } catch {
    return [];
  }
}

export function parseRoutes(rows: readonly unknown[]): FabricRoute[] {
  return rows.flatMap((r) => tryParse(() => {
    const row = r as Row;
    const via = str(row, "gateway");
    return { dst: ipv4(str(row, "dst") ?? "", "route"), dev: linkName(str(row, "dev") ?? "", "route"), ...(via === undefined ? {} : { via: ipv4(via, "route") }) };
  }));
}

export function parseNeighs(rows: readonly unknown[], dev: string): FabricNeigh[] {
  return rows.flatMap((r) => tryParse(() => ({ ip: ipv4(str(r as Row, "dst") ?? "", "neigh"), mac: mac(str(r as Row, "lladdr") ?? "", "neigh"), dev })));
}

export function parseAddrs(rows: readonly unknown[], dev: string): FabricAddr[] {
  const infos = rows.flatMap((r) => ((r as Row)["addr_info"] as unknown[] | undefined) ?? []);
  return infos.flatMap((i) => tryParse(() => {
    const a = i as Row;
    if (a["family"] !== "inet" || a["prefixlen"] !== 32) throw new Error("not ours");
    return { ip: ipv4(str(a, "local") ?? "", "addr"), dev };
  }));
}

/** Every IPv4 address on a link, whatever its prefix (is the instance's own address there?). */
export function addressesOn(rows: readonly unknown[]): string[] {
  const infos = rows.flatMap((r) => ((r as Row)["addr_info"] as unknown[] | undefined) ?? []);
  return infos.flatMap((i) => ((i as Row)["family"] === "inet" && typeof (i as Row)["local"] === "string" ? [(i as Row)["local"] as string] : []));
}

/** The rules at the fabric's priorities that point at its table (or, for the trunk, at main). */
export function parseRules(rows: readonly unknown[]): FabricRule[] {
  return rows.flatMap((r) => tryParse(() => {
    const row = r as Row;
    const prio = row["priority"];
    const table = str(row, "table") === "main" ? MAIN_TABLE : Number(str(row, "table"));
    const iif = str(row, "iif");
    const ours = (prio === PRIO_FABRIC && table === FABRIC_TABLE && iif === undefined) ||
      (prio === PRIO_TRUNK_FABRIC && table === FABRIC_TABLE && iif !== undefined) ||
      (prio === PRIO_TRUNK_MAIN && table === MAIN_TABLE && iif !== undefined);
    if (!ours || str(row, "src") !== undefined && str(row, "src") !== "all" || row["dst"] !== undefined) throw new Error("not ours");
    return { prio: prio as number, table, ...(iif === undefined ? {} : { iif: linkName(iif, "rule") }) };
  }));
}

export interface NodeSnapshot {
  readonly have: FabricState;
  /** Whether the trunk's VPC side exists (ipamd may not have made it yet, or removed it). */
  readonly trunkPeerExists: boolean;
  readonly uplinkAddresses: readonly string[];
}

export async function readNode(ip: IpPort, sys: SysctlPort, uplink: string, trunkPeer: string | undefined, signal: AbortSignal): Promise<NodeSnapshot> {
  const q = (args: string[]): Promise<unknown[]> => ip(["-j", ...args], { signal }).then((r) => json(r, args.join(" ")));
  // A table with no route yet does not exist for the kernel: that is an empty one.
  const shown = await ip(["-j", "route", "show", "table", String(FABRIC_TABLE)], { signal });
  const routes = /FIB table does not exist/.test(shown.stderr) ? [] : parseRoutes(json(shown, "route show table"));
  const rules = parseRules(await q(["rule", "show"]));
  // Every link with its addresses in one read: the uplink's addresses, and whether the trunk's VPC
  // side exists and which /32s it carries.
  const links = await q(["addr", "show"]);
  const named = (name: string): unknown[] => links.filter((r) => (r as Row)["ifname"] === name);
  const uplinkAddresses = addressesOn(named(uplink));
  const peerRows = trunkPeer === undefined ? [] : named(trunkPeer);
  if (trunkPeer === undefined || peerRows.length === 0) return { have: { routes, rules, neighs: [], addrs: [], sysctls: [] }, trunkPeerExists: false, uplinkAddresses };
  const neighs = parseNeighs(await q(["neigh", "show", "dev", trunkPeer, "nud", "permanent"]), trunkPeer);
  const addrs = parseAddrs(peerRows, trunkPeer);
  const sysctls: FabricSysctl[] = [];
  for (const key of ["accept_local", "rp_filter"] as const) {
    const value = await sys.read(trunkPeer, key);
    if (value !== undefined) sysctls.push({ dev: trunkPeer, key, value });
  }
  return { have: { routes, rules, neighs, addrs, sysctls }, trunkPeerExists: true, uplinkAddresses };
}

/** Applies the steps; resolves with the failed lines ("already gone" on removals is no failure). */
export async function applyOps(ip: IpPort, sys: SysctlPort, ops: readonly FabricOp[], signal: AbortSignal): Promise<string[]> {
  const failures: string[] = [];
  for (const o of ops) {
    if (o.op !== "sysctl") continue;
    await sys.write(o.sysctl.dev, o.sysctl.key, o.sysctl.value).catch((e: unknown) => failures.push(`sysctl ${o.sysctl.dev}.${o.sysctl.key}: ${errorMessage(e)}`));
  }
  const lines = ops.flatMap((o) => {
    const l = renderOp(o);
    return l === undefined ? [] : [l];
  });
  if (lines.length === 0) return failures;
  const r = await ip(["-force", "-batch", "-"], { input: `${lines.join("\n")}\n`, signal });
  if (r.exitCode === 0) return failures;
  // iproute2 names each failed line: "Command failed -:N" after the error text.
  const text = r.stderr.split("\n");
  for (let i = 0; i < text.length; i++) {
    const m = /^Command failed -:(\d+)$/.exec(text[i] ?? "");
    if (m === null) continue;
    const line = lines[Number(m[1]) - 1] ?? "?";
    const why = (text[i - 1] ?? "").trim();
    const gone = /^(route|neigh|addr|rule) del /.test(line) && /No such|Cannot assign|does not exist|Cannot find/i.test(why);
    if (!gone) failures.push(`ip ${line}: ${why}`);
  }
  if (failures.length === 0 && !text.some((l) => l.startsWith("Command failed"))) failures.push(`ip -batch: exit ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`);
  return failures;
}
