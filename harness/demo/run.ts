// `vpc-cni-harness demo`: mock-ipamd as a child, a node with a trunk ENI, a SecurityGroupPolicy,
// SGP pods and one ordinary pod, the kubelet loop exec'ing the real plugin through the libcni-like
// runtime; prints the timeline, judges the sequence, and cleans everything up (also on Ctrl-C).

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { POD_ENI_RESOURCE } from "../../cluster/types.js";
import type { ClusterEvent } from "../../cluster/types.js";
import { systemClock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { controlClient } from "../../ipamd/server/control-client.js";
import type { ControlClient } from "../../ipamd/server/control-client.js";
import type { Kubelet, KubeletObservation } from "../../runtime/kubelet/index.js";
import { isRoot, showAddress } from "../../runtime/netns.js";
import { choosePrinter } from "../output/index.js";
import type { OutputRecord, Printer, RunSummary, Sink } from "../output/index.js";
import { AttemptLog, buildTimeline, writeTimeline } from "../timeline/index.js";
import { startDaemon } from "./daemon.js";
import { eventFromWire, podFromWire, watchEvents } from "./cluster-client.js";
import { judge } from "./expect.js";
import { startCniKubelet } from "./kubelet.js";
import { writeNetworkSetup } from "./network.js";
import type { NetworkSetup } from "./network.js";
import type { DemoOptions } from "./options.js";
import { daemonArgs } from "./options.js";
import { artefacts } from "./paths.js";
import { branchEniRecords, cniRecord, ec2CallOf, ec2Tracker } from "./watch.js";

export interface DemoIo {
  stdout: Sink & { isTTY?: boolean; columns?: number };
  stderr: Sink;
  /** Aborted on Ctrl-C / SIGTERM: the demo stops waiting and cleans up. */
  signal: AbortSignal;
}

interface Ctx {
  o: DemoOptions;
  io: DemoIo;
  printer: Printer;
  runStart: number;
  root: boolean;
  cleanups: (() => Promise<unknown>)[];
  info(text: string): void;
}

const now = (): number => systemClock.now();

export interface DemoResult {
  /** 0: as expected; 1: not as expected or failed; 130: interrupted. */
  code: number;
  /** undefined when the run failed before it could judge. */
  summary: RunSummary | undefined;
}

export async function runDemo(o: DemoOptions, io: DemoIo): Promise<DemoResult> {
  const runStart = now();
  const printer = choosePrinter({ json: o.json, stream: io.stdout }, runStart);
  const ctx: Ctx = { o, io, printer, runStart, root: isRoot(), cleanups: [], info: (text) => printer.record({ kind: "info", at: now(), text }) };
  try {
    return await play(ctx);
  } catch (e) {
    printer.close();
    io.stderr.write(`demo failed: ${errorMessage(e)}\n`);
    return { code: io.signal.aborted ? 130 : 1, summary: undefined };
  } finally {
    printer.status("cleaning up");
    for (const fn of ctx.cleanups.reverse()) await fn().catch((e: unknown) => io.stderr.write(`cleanup: ${errorMessage(e)}\n`));
    printer.close();
  }
}

async function play(ctx: Ctx): Promise<DemoResult> {
  const { o, printer } = ctx;
  ctx.info(ctx.root ? "running as root: real network namespaces, the plugin configures them with iproute2" : "not running as root: fake netns paths and the plugin's `dataplane: none` (nothing on this host's network changes)");
  const dir = await mkdtemp(join(tmpdir(), "vpc-cni-harness-demo-"));
  ctx.cleanups.push(async () => (o.keep ? ctx.info(`--keep: left ${dir}`) : rm(dir, { recursive: true, force: true })));
  const art = artefacts();
  printer.status("starting mock-ipamd");
  const daemon = await startDaemon({
    daemonJs: art.daemonJs, stateDir: join(dir, "ipamd"), args: daemonArgs(o, { hostLinks: ctx.root ? "on" : "off" }), readyTimeoutMs: 30_000,
    onLog: (line) => {
      const call = ec2CallOf(line);
      if (call !== undefined) printer.record({ kind: "ec2", at: now(), ...call });
    },
  });
  ctx.cleanups.push(() => daemon.stop());
  const control = controlClient(daemon.controlAddress);
  ctx.cleanups.push(async () => control.close());
  const node = await control.GetNode({}, { timeoutMs: 5_000 });
  ctx.info(`mock-ipamd ready on ${daemon.address} (pid ${daemon.pid}); node ${node.name} ${node.instance_type}, trunk ENI ${node.trunk_eni_id || "(none)"} ifindex ${node.trunk_ifindex}, capacity ${POD_ENI_RESOURCE}=${node.capacity[POD_ENI_RESOURCE] ?? "0"}`);
  const metrics = typeof daemon.ready.metrics === "string" && daemon.ready.metrics !== "off" ? `http://${daemon.ready.metrics}/metrics` : undefined;
  const ec2 = ec2Tracker(metrics, now);
  // The node's trunk ENI took EC2 calls too: show them first, so later scrapes are the branch ENIs'.
  for (const r of await ec2()) printer.record(r);
  const unwatch = watchEvents(control, (e) => onEvent(ctx, control, ec2, e), (t) => ctx.info(t));
  ctx.cleanups.push(async () => unwatch());
  const net = await writeNetworkSetup(dir, art.pluginBinary, daemon.address, ctx.root);
  ctx.info(`conflist ${net.confDir}/10-aws.conflist: mock-vpc-cni (dataplane ${net.dataplane})${net.portmap ? " + portmap" : ""}; loopback ${net.loopback ? "on" : "off"}`);
  const attempts = new AttemptLog();
  const kubelet = await startKubelet(ctx, control, net, node.name, attempts);
  printer.status("creating the SecurityGroupPolicy and the pods");
  const pods = await createPods(ctx, control);
  const ok = await waitRunning(ctx, kubelet, pods.length);
  if (ok && ctx.root) await showAddresses(ctx, kubelet);
  await new Promise((r) => setTimeout(r, 300));
  const final = (await control.ListEvents({}, { timeoutMs: 5_000 })).events.map(eventFromWire);
  const podObjects = (await control.ListPods({}, { timeoutMs: 5_000 })).pods.map(podFromWire);
  if (!o.keep) await teardown(ctx, control, kubelet);
  else keptNetns(ctx, kubelet);
  const outcomes = podObjects.map((pod) => ({ pod, attempts: attempts.attempts(pod).length, runningAt: attempts.runningAt(pod) }));
  const summary = judge(outcomes, final, o, now() - ctx.runStart);
  if (o.timelineFile !== undefined) {
    const data = buildTimeline({ title: `vpc-cni-harness demo (${o.instanceType}, provisioning ${o.provisioningDelayMs} ms)`, mode: "real", runStart: ctx.runStart, runEnd: now(), pods: podObjects, events: final, attempts });
    await writeTimeline(o.timelineFile, data);
    ctx.info(`timeline written to ${o.timelineFile}`);
  }
  printer.summary(summary);
  return { code: ctx.io.signal.aborted ? 130 : summary.ok ? 0 : 1, summary };
}

function onEvent(ctx: Ctx, control: ControlClient, ec2: () => Promise<OutputRecord[]>, e: ClusterEvent): void {
  ctx.printer.record({ kind: "event", at: e.lastTimestamp, event: e });
  if (e.reason === "ResourceAllocated" && e.count === 1) {
    void (async () => {
      for (const r of await ec2()) ctx.printer.record(r);
      for (const r of await branchEniRecords(control, e, now)) ctx.printer.record(r);
    })();
  }
}

async function startKubelet(ctx: Ctx, control: ControlClient, net: NetworkSetup, nodeName: string, attempts: AttemptLog): Promise<Kubelet> {
  const { kubelet, shutdown } = await startCniKubelet({
    control, net, nodeName, root: ctx.root, fakeNetnsDir: join(net.cacheDir, "..", "netns"),
    onProblem: (t) => ctx.info(t),
    onCall: (c) => {
      if (c.ifName !== "lo" || !c.ok) ctx.printer.record(cniRecord(c, c.startedAt + c.durationMs));
    },
    observe: (ob) => {
      attempts.observe(ob);
      ctx.printer.status(statusText(ob, kubelet));
    },
  });
  ctx.cleanups.push(() => shutdown(ctx.o.keep));
  return kubelet;
}

function statusText(ob: KubeletObservation, kubelet: Kubelet): string {
  const states = kubelet.state();
  const running = states.filter((s) => s.phase === "running").length;
  const last = ob.kind === "retry-scheduled" ? `${ob.pod.name}: retry in ${((ob.dueAt - ob.at) / 1000).toFixed(1)}s or on pod change` : `${ob.pod.name}: ${ob.kind}`;
  return `${running}/${states.length} pods running; ${last}`;
}

async function createPods(ctx: Ctx, control: ControlClient): Promise<string[]> {
  const { o } = ctx;
  await control.ApplySecurityGroupPolicy({ namespace: o.namespace, name: "demo-sgp", pod_selector: { app: "sgp-demo" }, service_account_selector: {}, security_group_ids: ["sg-0a1b2c3d4e5f60708"] }, { timeoutMs: 5_000 });
  ctx.info(`SecurityGroupPolicy ${o.namespace}/demo-sgp: pods with app=sgp-demo get sg-0a1b2c3d4e5f60708 on a branch ENI`);
  const names: string[] = [];
  for (let i = 1; i <= o.sgpPods; i++) {
    await control.CreatePod({ namespace: o.namespace, name: `sgp-pod-${i}`, labels: { app: "sgp-demo" }, schedule: true }, { timeoutMs: 5_000 });
    names.push(`${o.namespace}/sgp-pod-${i}`);
  }
  await control.CreatePod({ namespace: "default", name: "plain-pod", labels: { app: "plain" }, schedule: true }, { timeoutMs: 5_000 });
  names.push("default/plain-pod");
  return names;
}

async function waitRunning(ctx: Ctx, kubelet: Kubelet, want: number): Promise<boolean> {
  const deadline = now() + ctx.o.timeoutMs;
  while (!ctx.io.signal.aborted && now() < deadline) {
    const states = kubelet.state();
    if (states.length >= want && states.every((s) => s.phase === "running")) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  ctx.info(ctx.io.signal.aborted ? "interrupted: cleaning up" : `timed out after ${ctx.o.timeoutMs} ms waiting for the pods`);
  return false;
}

async function showAddresses(ctx: Ctx, kubelet: Kubelet): Promise<void> {
  for (const s of kubelet.state()) {
    if (s.sandbox === undefined) continue;
    ctx.printer.record({ kind: "address", at: now(), pod: `${s.pod.namespace}/${s.pod.name}`, text: `$ ip -n ${s.sandbox.netns.split("/").pop() ?? ""} -4 addr show eth0\n${await showAddress(s.sandbox.netns, "eth0")}` });
  }
}

function keptNetns(ctx: Ctx, kubelet: Kubelet): void {
  const netns = kubelet.state().flatMap((s) => (s.sandbox === undefined ? [] : [s.sandbox.netns]));
  if (netns.length === 0) return;
  const names = netns.map((p) => p.split("/").pop() ?? p);
  ctx.info(`--keep: the pods' network namespaces stay: ${names.join(" ")}${ctx.root ? ` (remove with: ${names.map((n) => `ip netns delete ${n}`).join("; ")})` : ""}`);
}

/** Deletes the pods (kubelet DELs and removes each netns), then waits for the kubelet to forget them. */
async function teardown(ctx: Ctx, control: ControlClient, kubelet: Kubelet): Promise<void> {
  ctx.printer.status("deleting the pods");
  for (const s of kubelet.state()) {
    await control.DeletePod({ namespace: s.pod.namespace, name: s.pod.name }, { timeoutMs: 5_000 }).catch((e: unknown) => ctx.info(`DeletePod ${s.pod.name}: ${errorMessage(e)}`));
  }
  const deadline = now() + 30_000;
  while (kubelet.state().length > 0 && now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await kubelet.idle();
  // Whatever is still up (deletes that did not arrive) is stopped directly.
  await kubelet.teardownAll();
}
