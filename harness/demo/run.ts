// `vpc-cni-harness demo`: mock-ipamd as a child, a node with a trunk ENI, a SecurityGroupPolicy,
// SGP pods and one ordinary pod, the kubelet loop exec'ing the real plugin through the libcni-like
// runtime; prints the timeline, judges the sequence, and leaves the host as it was (session.ts),
// also when interrupted.

import { POD_ENI_RESOURCE } from "../../common/names.js";
import type { ClusterEvent } from "../../cluster/k8s/index.js";
import { systemClock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import type { ControlClient } from "../../ipamd/index.js";
import type { Kubelet, KubeletObservation } from "../../runtime/index.js";
import { isRoot, showAddress } from "../../runtime/index.js";
import { choosePrinter } from "../output/index.js";
import type { OutputRecord, Printer, RunEnd, RunSummary, Sink } from "../output/index.js";
import { AttemptLog, buildTimeline, writeTimeline } from "../timeline/index.js";
import { eventFromWire, podFromWire, watchEvents } from "./cluster-client.js";
import { EventLog } from "./events.js";
import { judge } from "./expect.js";
import type { DemoOptions } from "./options.js";
import { daemonArgs } from "./options.js";
import { demoScheduler } from "./scheduler.js";
import { podStatusReporter, servedApiLines, servedApiOf } from "./serve.js";
import { closeSession, openSession, recordBranch } from "./session.js";
import type { Session, SessionParts } from "./session.js";
import { branchEniRecords, cniRecord, ec2CallOf, ec2Tracker } from "./watch.js";

export interface DemoIo {
  stdout: Sink & { isTTY?: boolean; columns?: number };
  stderr: Sink;
  /** Aborted on Ctrl-C / SIGTERM: the demo stops waiting and cleans up. */
  signal: AbortSignal;
  /** Aborted on a second Ctrl-C: the cleanup skips the graceful part (DEL per pod, daemon shutdown). */
  hurry?: AbortSignal;
  /** The command line, for the run's record. */
  command?: string;
  /** Called with the run's id once it has a record (for `vpc-cni-harness cleanup <id>`). */
  onRun?: (id: string) => void;
}

interface Ctx {
  o: DemoOptions;
  io: DemoIo;
  printer: Printer;
  runStart: number;
  root: boolean;
  events: EventLog;
  info(text: string): void;
}

const now = (): number => systemClock.now();
const CALL = { timeoutMs: 5_000 };
const never = new AbortController().signal;
const aborted = (s: AbortSignal): Promise<void> => new Promise((r) => (s.aborted ? r() : s.addEventListener("abort", () => r(), { once: true })));

export interface DemoResult {
  /** 0: as expected; 1: not as expected or failed; 130: interrupted. */
  code: number;
  /** undefined when the run failed before it could judge. */
  summary: RunSummary | undefined;
}

export async function runDemo(o: DemoOptions, io: DemoIo): Promise<DemoResult> {
  const runStart = now();
  const printer = choosePrinter({ json: o.json, stream: io.stdout, ordered: true }, runStart);
  const ctx: Ctx = { o, io, printer, runStart, root: isRoot(), events: new EventLog(), info: (text) => printer.record({ kind: "info", at: now(), text }) };
  const parts: SessionParts = {};
  let result: DemoResult;
  try {
    result = await play(ctx, parts);
  } catch (e) {
    printer.close();
    io.stderr.write(`demo failed: ${errorMessage(e)}\n`);
    result = { code: io.signal.aborted ? 130 : 1, summary: undefined };
  }
  printer.status("cleaning up");
  const report = await closeSession(parts, { keep: o.keep, hurry: io.hurry ?? never });
  for (const line of report.lines) ctx.info(line);
  printer.close();
  // Something left behind that the user did not ask to keep is a failure of the run.
  return !report.clean && !o.keep && result.code === 0 ? { ...result, code: 1 } : result;
}

async function play(ctx: Ctx, parts: SessionParts): Promise<DemoResult> {
  const { o, printer } = ctx;
  ctx.info(ctx.root ? "running as root: real network namespaces, the plugin configures them with iproute2" : "not running as root: fake netns paths and the plugin's `dataplane: none` (nothing on this host's network changes)");
  printer.status("starting mock-ipamd");
  const attempts = new AttemptLog();
  let kubelet: Kubelet | undefined;
  const status = podStatusReporter((t) => ctx.info(t));
  const s = await openSession({
    kind: "demo", command: ctx.io.command ?? "vpc-cni-harness demo", root: ctx.root,
    ...(ctx.io.hurry === undefined ? {} : { hurry: ctx.io.hurry }),
    daemonArgs: async (dir) => daemonArgs(o, dir),
    onDaemonLog: (line) => {
      const api = line.msg === "ready" ? servedApiOf(line) : undefined;
      if (api !== undefined) status.use(api);
      const call = ec2CallOf(line);
      if (call !== undefined) printer.record({ kind: "ec2", at: now(), ...call });
    },
    onProblem: (t) => ctx.info(t),
    onCall: (c) => {
      // After a second Ctrl-C every call fails on purpose (the sweep cleans up): not worth a line.
      if (ctx.io.hurry?.aborted === true) return;
      if (c.ifName !== "lo" || !c.ok) printer.record(cniRecord(c, c.startedAt + c.durationMs));
    },
    observe: (ob) => {
      attempts.observe(ob);
      status.observe(ob);
      if (kubelet !== undefined) printer.status(statusText(ob, kubelet));
    },
  }, parts);
  kubelet = s.kubelet;
  ctx.io.onRun?.(s.id);
  const node = await s.control.GetNode({}, CALL);
  ctx.info(`mock-ipamd ready on ${s.daemon.address} (pid ${s.daemon.pid}); node ${node.name} ${node.instance_type}, trunk ENI ${node.trunk_eni_id || "(none)"} ifindex ${node.trunk_ifindex}, capacity ${POD_ENI_RESOURCE}=${node.capacity[POD_ENI_RESOURCE] ?? "0"}; run ${s.id}`);
  const api = servedApiOf(s.daemon.ready);
  if (api !== undefined) for (const line of servedApiLines(api, o.namespace)) ctx.info(line);
  const metrics = typeof s.daemon.ready.metrics === "string" && s.daemon.ready.metrics !== "off" ? `http://${s.daemon.ready.metrics}/metrics` : undefined;
  const ec2 = ec2Tracker(metrics, now);
  // The node's trunk ENI took EC2 calls too: show them first, so later scrapes are the branch ENIs'.
  for (const r of await ec2()) printer.record(r);
  const unwatch = watchEvents(s.control, (e) => onEvent(ctx, s, ec2, e), (t) => ctx.info(t));
  ctx.info(`conflist ${s.net.confDir}/10-aws.conflist: mock-vpc-cni (dataplane ${s.net.dataplane})${s.net.portmap ? " + portmap" : ""}; loopback ${s.net.loopback ? "on" : "off"}`);
  const podEni = Number(node.capacity[POD_ENI_RESOURCE] ?? "0");
  if (o.sgpPods > podEni) ctx.info(`--pods ${o.sgpPods}: the ${o.instanceType} node takes ${podEni} branch ENIs; ${o.sgpPods - podEni} SGP pod${o.sgpPods - podEni === 1 ? "" : "s"} will stay Pending (FailedScheduling), as on EKS`);
  printer.status("creating the SecurityGroupPolicy and the pods");
  const bound = await createPods(ctx, s.control, node.capacity);
  const ended = await waitRunning(ctx, s.kubelet, bound);
  if (ended === "completed" && ctx.root) await showAddresses(ctx, s.kubelet);
  if (ended === "completed" && o.hold) await hold(ctx, api);
  await new Promise((r) => setTimeout(r, 300));
  const podObjects = (await s.control.ListPods({}, CALL)).pods.map(podFromWire);
  await status.flush();
  if (!o.keep) await teardown(ctx, s.control, s.kubelet);
  // The kubelet stops (its events recorded), so every event of the run is in the final list.
  await Promise.race([parts.shutdownKubelet?.(o.keep), aborted(ctx.io.hurry ?? never)]);
  await catchUp(ctx, s.control);
  unwatch();
  const outcomes = podObjects.map((pod) => ({ pod, attempts: attempts.attempts(pod).length, runningAt: attempts.runningAt(pod) }));
  const summary = judge({ outcomes, events: ctx.events.all(), options: o, durationMs: now() - ctx.runStart, ended, branchCapacity: podEni });
  if (o.timelineFile !== undefined) {
    const data = buildTimeline({ title: `vpc-cni-harness demo (${o.instanceType}, provisioning ${o.provisioningDelayMs} ms)`, mode: "real", runStart: ctx.runStart, runEnd: now(), pods: podObjects, events: ctx.events.all(), attempts });
    await writeTimeline(o.timelineFile, data);
    ctx.info(`timeline written to ${o.timelineFile}`);
  }
  printer.summary(summary);
  return { code: ended === "interrupted" ? 130 : summary.ok ? 0 : 1, summary };
}

function onEvent(ctx: Ctx, s: Session, ec2: () => Promise<OutputRecord[]>, e: ClusterEvent): void {
  if (!ctx.events.add(e)) return;
  ctx.printer.record({ kind: "event", at: e.lastTimestamp, event: e });
  if (e.reason === "ResourceAllocated" && e.count === 1) {
    void (async () => {
      await recordBranch(s.recorder, s.control, e.involvedObject).catch((err: unknown) => ctx.info(`(recording the branch ENI failed: ${errorMessage(err)})`));
      for (const r of await ec2()) ctx.printer.record(r);
      for (const r of await branchEniRecords(s.control, e, now)) ctx.printer.record(r);
    })();
  }
}

/** Events recorded but not yet delivered by the watch: shown now, so the output has all the verdict counts. */
async function catchUp(ctx: Ctx, control: ControlClient): Promise<void> {
  const listed = (await control.ListEvents({}, CALL)).events.map(eventFromWire).sort((a, b) => a.lastTimestamp - b.lastTimestamp);
  for (const e of listed) if (ctx.events.add(e)) ctx.printer.record({ kind: "event", at: e.lastTimestamp, event: e });
}

/** What the kubelet just did, in words. */
export function observationText(ob: KubeletObservation): string {
  switch (ob.kind) {
    case "attempt-start":
      return `${ob.pod.name}: sandbox ${ob.attempt} starting (CNI ADD)`;
    case "attempt-end":
      return `${ob.pod.name}: sandbox ${ob.ok ? "ready" : "failed"}`;
    case "retry-scheduled":
      return `${ob.pod.name}: next sandbox in ${((ob.dueAt - ob.at) / 1000).toFixed(1)}s, or as soon as the pod changes`;
    case "retry-now":
      return `${ob.pod.name}: retrying now (${ob.reason === "pod-changed" ? "the pod changed" : "back-off over"})`;
    case "running":
      return `${ob.pod.name}: running`;
    case "stopped":
      return `${ob.pod.name}: stopped`;
  }
}

function statusText(ob: KubeletObservation, kubelet: Kubelet): string {
  const states = kubelet.state();
  const running = states.filter((s) => s.phase === "running").length;
  return `${running}/${states.length} pods running; ${observationText(ob)}`;
}

/** The policy, the SGP pods and one ordinary pod, each bound by the demo's scheduler when it fits; returns how many were bound. */
async function createPods(ctx: Ctx, control: ControlClient, capacity: Readonly<Record<string, string>>): Promise<number> {
  const { o } = ctx;
  await control.ApplySecurityGroupPolicy({ namespace: o.namespace, name: "demo-sgp", pod_selector: { app: "sgp-demo" }, service_account_selector: {}, security_group_ids: ["sg-0a1b2c3d4e5f60708"] }, CALL);
  ctx.info(`SecurityGroupPolicy ${o.namespace}/demo-sgp: pods with app=sgp-demo get sg-0a1b2c3d4e5f60708 on a branch ENI`);
  const scheduler = demoScheduler(control, capacity);
  const pods = [
    ...Array.from({ length: o.sgpPods }, (_, i) => ({ namespace: o.namespace, name: `sgp-pod-${i + 1}`, labels: { app: "sgp-demo" } })),
    { namespace: "default", name: "plain-pod", labels: { app: "plain" } },
  ];
  let bound = 0;
  for (const p of pods) {
    const created = await control.CreatePod({ ...p, schedule: false }, CALL);
    if (await scheduler.schedule(created)) bound++;
  }
  return bound;
}

/** --hold: everything stays up (pods, netns, the served API) until the first Ctrl-C, which then cleans up as usual. */
async function hold(ctx: Ctx, api: { kubeconfig: string } | undefined): Promise<void> {
  ctx.info(`--hold: the pods keep running${api === undefined ? "" : ` and the API keeps serving (kubectl --kubeconfig ${api.kubeconfig} ...)`}; Ctrl-C (or SIGTERM) cleans up and ends the demo`);
  ctx.printer.status("holding (Ctrl-C to clean up)");
  await aborted(ctx.io.signal);
}

async function waitRunning(ctx: Ctx, kubelet: Kubelet, want: number): Promise<RunEnd> {
  const deadline = now() + ctx.o.timeoutMs;
  while (!ctx.io.signal.aborted && now() < deadline) {
    const states = kubelet.state();
    if (states.length >= want && states.every((s) => s.phase === "running")) return "completed";
    await new Promise((r) => setTimeout(r, 100));
  }
  if (ctx.io.signal.aborted) {
    ctx.info("interrupted: deleting the pods and cleaning up (Ctrl-C again to skip waiting for the pods' DEL)");
    return "interrupted";
  }
  ctx.info(`timed out after --timeout ${ctx.o.timeoutMs / 1000}s waiting for the pods`);
  return "timed-out";
}

async function showAddresses(ctx: Ctx, kubelet: Kubelet): Promise<void> {
  for (const s of kubelet.state()) {
    if (s.sandbox === undefined) continue;
    ctx.printer.record({ kind: "address", at: now(), pod: `${s.pod.namespace}/${s.pod.name}`, text: `$ ip -n ${s.sandbox.netns.split("/").pop() ?? ""} -4 addr show eth0\n${await showAddress(s.sandbox.netns, "eth0")}` });
  }
}

/** Deletes the pods (kubelet DELs and removes each netns) and waits for the kubelet to forget them; a second Ctrl-C stops the wait. */
async function teardown(ctx: Ctx, control: ControlClient, kubelet: Kubelet): Promise<void> {
  ctx.printer.status("deleting the pods");
  const hurry = ctx.io.hurry ?? never;
  for (const s of kubelet.state()) {
    if (hurry.aborted) return;
    await control.DeletePod({ namespace: s.pod.namespace, name: s.pod.name }, CALL).catch((e: unknown) => ctx.info(`DeletePod ${s.pod.name}: ${errorMessage(e)}`));
  }
  const deadline = now() + 30_000;
  while (kubelet.state().length > 0 && now() < deadline && !hurry.aborted) await new Promise((r) => setTimeout(r, 100));
}
