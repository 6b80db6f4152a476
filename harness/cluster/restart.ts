// `cluster restart ROLE [--node N]`: starts one of the cluster's daemons again with the command line
// it was started with (its state and, for mock-ec2, its port are kept), as a supervisor restarts a
// crashed daemon. The recorded process is stopped first if it still runs. The API server keeps the
// cluster in memory: it is not restarted (down and up instead).

import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import { CriClient } from "../../cri/index.js";
import { daemonEnv, isAlive, sizeOf, spawnDetached, stopProcess, waitReadyLine } from "./proc.js";
import type { ProcessRecord } from "./state.js";
import { StateFile } from "./state.js";

export const RESTARTABLE = ["mock-ec2", "controller", "containerd", "ipamd", "kubelet"] as const;
export type RestartableRole = (typeof RESTARTABLE)[number];

export async function restartDaemon(stateDir: string, role: RestartableRole, node: string | undefined, o: { timeoutMs: number; clock?: Clock }): Promise<ProcessRecord> {
  const clock = o.clock ?? systemClock;
  const file = await StateFile.open(stateDir);
  if (file === undefined) throw new HarnessError("not-found", `no cluster state in ${stateDir}`);
  const perNode = role === "containerd" || role === "ipamd" || role === "kubelet";
  if (perNode && node === undefined) throw new HarnessError("invalid-argument", `${role} runs on every node: say which with --node`);
  const old = file.state.processes.find((p) => p.role === role && (!perNode || p.node === node));
  if (old === undefined) throw new HarnessError("not-found", `no ${role}${perNode ? ` on node ${node}` : ""} recorded in ${file.path}`);
  await stopProcess(old, 10_000, clock);
  const from = await sizeOf(old.log);
  const p = await spawnDetached(old.argv, old.log, daemonEnv());
  const rec: ProcessRecord = { ...old, pid: p.pid, startTime: p.startTime };
  await file.update((s) => ({ ...s, processes: s.processes.map((r) => (r === old || (r.pid === old.pid && r.startTime === old.startTime) ? rec : r)) }));
  if (role === "containerd") await waitCri(old, p, clock, o.timeoutMs);
  else await waitReadyLine(old.log, from, p, `${role}${perNode ? ` of ${node}` : ""}`, { timeoutMs: o.timeoutMs, clock });
  return rec;
}

/** containerd writes no ready line: its CRI answering is the sign (the socket is in its command line's config). */
async function waitCri(old: ProcessRecord, p: { pid: number; startTime: number }, clock: Clock, timeoutMs: number): Promise<void> {
  const config = old.argv[old.argv.indexOf("--config") + 1] ?? "";
  const cri = new CriClient({ socket: config.replace(/config\.toml$/, "containerd.sock"), defaultTimeoutMs: 2_000 });
  try {
    const until = clock.now() + timeoutMs;
    while (!(await cri.version().then(() => true, () => false))) {
      if (!(await isAlive(p))) throw new HarnessError("unavailable", `containerd exited at start; see ${old.log}`);
      if (clock.now() > until) throw new HarnessError("deadline", `containerd's CRI did not answer within ${timeoutMs / 1000} s; see ${old.log}`);
      await clock.sleep(100);
    }
  } finally {
    cri.close();
  }
}
