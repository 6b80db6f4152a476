// One real-time run on this host (the demo, a real-time scenario): a temp dir, mock-ipamd as a
// child, the CNI setup and the kubelet loop, each recorded in the run's record BEFORE it is made
// (harness/cleanup/record.ts); and the way out: a graceful teardown, cut short by a second Ctrl-C,
// then a sweep by the record, so that the host is left as it was (or the commands that finish it).

import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { controlClient } from "../../ipamd/index.js";
import type { ControlClient } from "../../ipamd/index.js";
import type { SandboxCall } from "../../runtime/index.js";
import type { Kubelet, KubeletObservation } from "../../runtime/index.js";
import { podHostVethName } from "../../common/veth-name.js";
import { newRunId, processOf, RunRecorder } from "../cleanup/record.js";
import { planCleanup, shellLine } from "../cleanup/plan.js";
import { commandsFor, snapshot, sweep } from "../cleanup/sweep.js";
import { RUN_DIR_PREFIX } from "../cleanup/where.js";
import { hostLinkPrefix, startDaemon } from "./daemon.js";
import type { RunningDaemon } from "./daemon.js";
import { startCniKubelet } from "./kubelet.js";
import { writeNetworkSetup } from "./network.js";
import type { NetworkSetup } from "./network.js";
import { artefacts } from "./paths.js";

export interface SessionSpec {
  kind: "demo" | "scenario";
  /** The command line, for the record. */
  command: string;
  root: boolean;
  /** mock-ipamd flags besides --listen, --state-dir and the host links'; may write files into `dir`. */
  daemonArgs: (dir: string) => Promise<readonly string[]>;
  onDaemonLog?: (line: Record<string, unknown>) => void;
  onProblem: (text: string) => void;
  observe: (o: KubeletObservation) => void;
  onCall?: (c: SandboxCall) => void;
  /** A second Ctrl-C: no plugin or netns is started any more (see startCniKubelet). */
  hurry?: AbortSignal;
}

export interface Session {
  id: string;
  dir: string;
  recorder: RunRecorder;
  daemon: RunningDaemon;
  control: ControlClient;
  net: NetworkSetup;
  kubelet: Kubelet;
  nodeName: string;
}

/** How a session ended: what is left on the host, and the commands that remove it. */
export interface CloseReport {
  /** Nothing of the run is left (the record is gone too). */
  clean: boolean;
  /** Lines for the user: what was kept or could not be removed, and how to remove it. */
  lines: string[];
}

/** Pieces started so far, so a failure half-way still closes what exists. */
export interface SessionParts {
  recorder?: RunRecorder;
  daemon?: RunningDaemon;
  control?: ControlClient;
  shutdownKubelet?: (keep: boolean) => Promise<void>;
}

export async function openSession(spec: SessionSpec, parts: SessionParts): Promise<Session> {
  const id = newRunId(spec.kind);
  const dir = join(tmpdir(), `${RUN_DIR_PREFIX}${id}`);
  const recorder = await RunRecorder.create({ id, command: spec.command, dir, root: spec.root });
  parts.recorder = recorder;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const art = artefacts();
  const linkPrefix = hostLinkPrefix();
  const stateDir = join(dir, "ipamd");
  await recorder.update((r) => void (r.daemon = { socket: join(stateDir, "ipamd.sock"), linkPrefix }));
  const daemon = await startDaemon({
    daemonJs: art.daemonJs, stateDir, readyTimeoutMs: 30_000,
    args: [...(await spec.daemonArgs(dir)), "--host-links", spec.root ? "on" : "off", "--host-link-prefix", linkPrefix],
    ...(spec.onDaemonLog === undefined ? {} : { onLog: spec.onDaemonLog }),
    onSpawn: async (pid) => {
      const process = await processOf(pid).catch(() => undefined);
      if (process !== undefined) await recorder.update((r) => void (r.daemon = { socket: join(stateDir, "ipamd.sock"), linkPrefix, process }));
    },
  });
  parts.daemon = daemon;
  const control = controlClient(daemon.controlAddress);
  parts.control = control;
  await recordHostLinks(recorder, control);
  const node = await control.GetNode({}, { timeoutMs: 5_000 });
  const net = await writeNetworkSetup(dir, art.pluginBinary, daemon.address, spec.root);
  const { kubelet, shutdown } = await startCniKubelet({
    control, net, nodeName: node.name, root: spec.root, fakeNetnsDir: join(dir, "netns"),
    beforeNetns: async (name) => {
      if (spec.hurry?.aborted === true) throw new HarnessError("unavailable", "the run is being cleaned up: no new network namespace");
      await recorder.addNetns(name);
    },
    ...(spec.hurry === undefined ? {} : { hurry: spec.hurry }),
    onProblem: spec.onProblem,
    observe: spec.observe,
    onCall: (c) => {
      // The pod's address: the plugin's rules 512/1536 carry it (docs/REFERENCE.md §3).
      if (c.verb === "ADD" && c.ok) for (const ip of c.ips) void recorder.addAddress({ ip: ip.split("/")[0] ?? ip });
      spec.onCall?.(c);
    },
  });
  parts.shutdownKubelet = shutdown;
  return { id, dir, recorder, daemon, control, net, kubelet, nodeName: node.name };
}

/** The daemon's ENI stand-ins on the host, by name (they carry the run's own prefix). */
export async function recordHostLinks(recorder: RunRecorder, control: ControlClient): Promise<void> {
  const { enis } = await control.ListENIs({}, { timeoutMs: 5_000 });
  await recorder.addHostLinks(enis.map((e) => e.host_link));
}

/**
 * A branch pod's VLAN, MAC and address, recorded as soon as the controller allocated them (before
 * the retry's ADD makes `vlan.eth.<id>` and the strict-mode rules; docs/REFERENCE.md §3).
 */
export async function recordBranch(recorder: RunRecorder, control: ControlClient, pod: { namespace: string; name: string }): Promise<void> {
  const { enis } = await control.ListENIs({}, { timeoutMs: 5_000 });
  for (const e of enis) {
    if (!e.branch || e.pod_name !== pod.name || e.pod_namespace !== pod.namespace) continue;
    const hostVeth = podHostVethName("vlan", pod.namespace, pod.name);
    for (const ip of e.ipv4_addresses) await recorder.addAddress({ ip, vlanId: e.vlan_id, vlanMac: e.mac, hostVeth });
  }
  await recorder.addHostLinks(enis.map((e) => e.host_link));
}

const aborted = (s: AbortSignal): Promise<void> => new Promise((r) => (s.aborted ? r() : s.addEventListener("abort", () => r(), { once: true })));

/**
 * Ends the run. keep: the pods' netns, rules and the temp dir stay, and the lines say how to remove
 * them. Otherwise the kubelet DELs what is still up and the daemon stops (skipped once `hurry`
 * fires), then the sweep removes whatever the record names and the host still has.
 */
export async function closeSession(parts: SessionParts, o: { keep: boolean; hurry: AbortSignal; log?: (text: string) => void }): Promise<CloseReport> {
  const problems: string[] = [];
  const note = (what: string) => (e: unknown) => void problems.push(`${what}: ${errorMessage(e)}`);
  const graceful = (async () => {
    await parts.shutdownKubelet?.(o.keep).catch(note("kubelet"));
    parts.control?.close();
    await parts.daemon?.stop().catch(note("mock-ipamd"));
  })();
  await Promise.race([graceful, aborted(o.hurry)]);
  const recorder = parts.recorder;
  if (recorder === undefined) return { clean: true, lines: problems };
  if (o.keep) {
    await recorder.update((r) => void (r.kept = true));
    const steps = planCleanup(recorder.record, await snapshot(recorder.record));
    return {
      clean: false,
      lines: [
        `--keep: left on this host: ${steps.map((s) => s.what).join("; ") || "nothing"}`,
        `remove all of it with: vpc-cni-harness cleanup ${recorder.record.id}`,
        ...(steps.length === 0 ? [] : ["or by hand:", ...steps.map((s) => `  ${shellLine(s)}`)]),
      ],
    };
  }
  const result = await sweep(recorder.record, { hurry: o.hurry.aborted, ...(o.log === undefined ? {} : { log: o.log }) });
  const commands = commandsFor(result);
  if (commands.length === 0) {
    await recorder.remove();
    return { clean: true, lines: [...problems, ...result.problems] };
  }
  return {
    clean: false,
    lines: [
      ...problems, ...result.problems,
      `the cleanup is not complete; finish it with: vpc-cni-harness cleanup ${recorder.record.id}`,
      "or by hand:", ...commands.map((c) => `  ${c}`),
    ],
  };
}
