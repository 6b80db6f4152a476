// `vpc-cni-harness cleanup [RUN...]`: removes what killed or --keep runs left on this host, from
// their records (harness/cleanup/record.ts). Without RUN: every recorded run whose process is gone.
// Exit status: 0 nothing left, 1 something could not be removed (the commands are printed), 2 usage.

import { existsSync } from "node:fs";
import { Command } from "commander";
import { errorMessage } from "../../common/errors.js";
import { planCleanup, shellLine } from "./plan.js";
import { isAlive, listRecords, readRecord, recordPath, removeRecord } from "./record.js";
import type { RunRecord } from "./record.js";
import { commandsFor, snapshot, sweep } from "./sweep.js";
import { runsDir } from "./where.js";

interface Flags {
  dryRun?: boolean;
}

interface Target {
  path: string;
  record: RunRecord;
}

async function targets(runs: readonly string[], out: NodeJS.WritableStream): Promise<Target[] | undefined> {
  if (runs.length === 0) {
    const { records, problems } = await listRecords();
    for (const p of problems) out.write(`cleanup: skipping ${p}\n`);
    return records;
  }
  const found: Target[] = [];
  for (const run of runs) {
    const path = run.includes("/") ? run : recordPath(run);
    // A run killed during its very first write has only the temp file.
    const file = [path, `${path}.tmp`].find((f) => existsSync(f));
    if (file === undefined) {
      process.stderr.write(`cleanup: no run "${run}" (records are in ${runsDir()}; \`vpc-cni-harness cleanup --dry-run\` lists them)\n`);
      return undefined;
    }
    found.push({ path, record: await readRecord(file) });
  }
  return found;
}

async function describe(t: Target, out: NodeJS.WritableStream): Promise<void> {
  const r = t.record;
  const steps = planCleanup(r, await snapshot(r));
  const daemon = r.daemon?.process !== undefined && (await isAlive(r.daemon.process)) ? [`kill ${r.daemon.process.pid}   # mock-ipamd of the run`] : [];
  out.write(`run ${r.id} (${r.command}, started ${r.startedAt}${r.kept ? ", kept with --keep" : ""}):\n`);
  const lines = [...daemon, ...steps.map(shellLine)];
  out.write(lines.length === 0 ? "  nothing left on this host\n" : `${lines.map((l) => `  ${l}`).join("\n")}\n`);
}

async function clean(t: Target, out: NodeJS.WritableStream): Promise<boolean> {
  const r = t.record;
  out.write(`run ${r.id} (${r.command}, started ${r.startedAt})\n`);
  const result = await sweep(r, { hurry: false, log: (text) => out.write(`  ${text}\n`) });
  for (const p of result.problems) out.write(`  problem: ${p}\n`);
  const commands = commandsFor(result);
  if (commands.length > 0) {
    out.write(`  still there; remove it with:\n${commands.map((c) => `    ${c}`).join("\n")}\n`);
    return false;
  }
  out.write(result.removed.length === 0 ? "  nothing was left\n" : `  done: ${result.removed.length} thing${result.removed.length === 1 ? "" : "s"} removed\n`);
  await removeRecord(t.path);
  return true;
}

export async function runCleanup(runs: readonly string[], flags: Flags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let list: Target[] | undefined;
  try {
    list = await targets(runs, out);
  } catch (e) {
    process.stderr.write(`cleanup: ${errorMessage(e)}\n`);
    return 2;
  }
  if (list === undefined) return 2;
  let ok = true;
  let busy = 0;
  for (const t of list) {
    // A run that is still going cleans up after itself; never pull its namespaces from under it.
    if (await isAlive(t.record.owner)) {
      busy++;
      if (runs.length > 0) {
        process.stderr.write(`cleanup: run ${t.record.id} is still running (pid ${t.record.owner.pid}); stop it first (Ctrl-C cleans up), or kill it and run this again\n`);
        ok = false;
      }
      continue;
    }
    if (flags.dryRun === true) await describe(t, out);
    else ok = (await clean(t, out)) && ok;
  }
  if (list.length - busy === 0 && runs.length === 0) out.write(`cleanup: no run left anything behind (records in ${runsDir()})${busy > 0 ? `; ${busy} still running` : ""}\n`);
  return ok ? 0 : 1;
}

export function cleanupCommand(): Command {
  return new Command("cleanup")
    .description("remove what interrupted, killed or --keep runs of demo / scenario run left on this host (network namespaces, links, IP rules, processes, temp dirs), from their records")
    .argument("[run...]", "run ids (as printed by the run) or record files; default: every finished run that left something")
    .option("--dry-run", "only print what would be removed, as commands")
    .addHelpText("after", `\nEvery run records what it creates, before creating it, in ${runsDir()}; cleanup touches nothing else.\nExit status: 0 nothing left, 1 something could not be removed (the commands are printed), 2 unknown run.`)
    .action(async (runs: string[], flags: Flags) => {
      process.exitCode = await runCleanup(runs, flags);
    });
}
