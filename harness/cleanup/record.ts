// A run's record of what it creates on this host (temp dir, processes, network namespaces, the
// pods' addresses and VLANs that rules and links are derived from), written to a state file BEFORE
// each thing is made, so that `vpc-cni-harness cleanup` can remove exactly what a killed run left.

import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { runsDir } from "./where.js";

/** A process, with its start time (/proc/<pid>/stat field 22) so a reused pid is never mistaken for it. */
export const processSchema = z.strictObject({ pid: z.number().int().positive(), startTicks: z.string() });

/** A pod address the plugin set up: rules 512/1536 are keyed by ip, strict-mode rules by VLAN and host veth. */
export const addressSchema = z.strictObject({
  ip: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/),
  vlanId: z.number().int().positive().optional(),
  /** The branch ENI's MAC: `vlan.eth.<vlanId>` is removed only when it carries this MAC. */
  vlanMac: z.string().optional(),
  hostVeth: z.string().optional(),
});

export const runRecordSchema = z.strictObject({
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** What ran, as the user typed it (shown by `cleanup`). */
  command: z.string(),
  owner: processSchema,
  startedAt: z.string(),
  /** Real network namespaces and host changes (root), or fake paths only. */
  root: z.boolean(),
  /** The run's temp dir (conflist, libcni cache, plugin log, ipamd state and socket). */
  dir: z.string(),
  /** Left on purpose (--keep). */
  kept: z.boolean(),
  daemon: z.strictObject({ process: processSchema.optional(), socket: z.string(), linkPrefix: z.string() }).optional(),
  /** Host links the daemon reported (ENI stand-ins: `<prefix>eni<N>`, `<prefix>trunk<N>`). */
  hostLinks: z.array(z.string()),
  /** Network namespace names (`cni-<uuid>`), recorded before `ip netns add`. */
  netns: z.array(z.string()),
  addresses: z.array(addressSchema),
});

export type RecordedProcess = z.output<typeof processSchema>;
export type RecordedAddress = z.output<typeof addressSchema>;
export type RunRecord = z.output<typeof runRecordSchema>;

/** /proc/<pid>/stat field 22 (start time in clock ticks since boot); undefined when the pid is gone. */
export async function startTicks(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields restart after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** True when the recorded process still runs (same pid AND same start time). */
export async function isAlive(p: RecordedProcess | undefined): Promise<boolean> {
  return p !== undefined && (await startTicks(p.pid)) === p.startTicks;
}

export async function processOf(pid: number): Promise<RecordedProcess> {
  const ticks = await startTicks(pid);
  if (ticks === undefined) throw new HarnessError("not-found", `process ${pid} is gone`);
  return { pid, startTicks: ticks };
}

export function newRunId(kind: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-").toLowerCase();
  return `${kind}-${stamp}-${randomBytes(3).toString("hex")}`;
}

export function recordPath(id: string, dir = runsDir()): string {
  return join(dir, `${id}.json`);
}

/**
 * Keeps the record on disk: every change is written (temp file + rename) before the promise
 * resolves, and changes are applied one at a time, so a kill -9 leaves a complete record of all
 * that was started.
 */
export class RunRecorder {
  readonly path: string;
  #record: RunRecord;
  #queue: Promise<void> = Promise.resolve();
  /** Removed: late changes (a callback after the cleanup) must not write the file back. */
  #removed = false;

  private constructor(path: string, record: RunRecord) {
    this.path = path;
    this.#record = record;
  }

  static async create(init: { id: string; command: string; dir: string; root: boolean }, dir = runsDir()): Promise<RunRecorder> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const record: RunRecord = {
      version: 1, id: init.id, command: init.command, owner: await processOf(process.pid), startedAt: new Date().toISOString(),
      root: init.root, dir: init.dir, kept: false, hostLinks: [], netns: [], addresses: [],
    };
    const r = new RunRecorder(recordPath(init.id, dir), record);
    await r.update(() => undefined);
    return r;
  }

  get record(): Readonly<RunRecord> {
    return this.#record;
  }

  /** Applies `change` to a copy and writes it; resolves once it is on disk. */
  update(change: (r: RunRecord) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      if (this.#removed) return;
      const copy = structuredClone(this.#record);
      change(copy);
      this.#record = copy;
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, `${JSON.stringify(copy, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.path);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  addNetns(name: string): Promise<void> {
    return this.update((r) => void (r.netns.includes(name) ? undefined : r.netns.push(name)));
  }

  addAddress(a: RecordedAddress): Promise<void> {
    return this.update((r) => {
      const same = r.addresses.find((x) => x.ip === a.ip);
      if (same === undefined) r.addresses.push({ ...a });
      else Object.assign(same, a);
    });
  }

  addHostLinks(names: readonly string[]): Promise<void> {
    return this.update((r) => {
      for (const n of names) if (n !== "" && !r.hostLinks.includes(n)) r.hostLinks.push(n);
    });
  }

  /** The run is over and its cleanup found nothing left: the record goes. */
  async remove(): Promise<void> {
    this.#removed = true;
    await this.#queue;
    await removeRecord(this.path);
  }
}

/** The record and the temp file of a write that a kill may have cut short. */
export async function removeRecord(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.tmp`, { force: true });
}

export async function readRecord(path: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new HarnessError("not-found", `run record ${path}: ${errorMessage(e)}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HarnessError("invalid-config", `run record ${path} is not JSON: ${errorMessage(e)}`);
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) throw new HarnessError("invalid-config", `run record ${path} is not one this version wrote: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** Every record in the runs directory (unreadable ones reported, not thrown). */
export async function listRecords(dir = runsDir()): Promise<{ records: { path: string; record: RunRecord }[]; problems: string[] }> {
  let names: string[];
  try {
    const all = await readdir(dir);
    // A run killed during its very first write leaves only the temp file: it is still its record.
    names = all.filter((n) => n.endsWith(".json") || (n.endsWith(".json.tmp") && !all.includes(n.slice(0, -4)))).sort();
  } catch {
    return { records: [], problems: [] };
  }
  const records: { path: string; record: RunRecord }[] = [];
  const problems: string[] = [];
  for (const n of names) {
    try {
      records.push({ path: join(dir, n.replace(/\.tmp$/, "")), record: await readRecord(join(dir, n)) });
    } catch (e) {
      problems.push(errorMessage(e));
    }
  }
  return { records, problems };
}
