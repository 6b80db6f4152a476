// Hand-written fakes for the kubelet loop tests: a tiny pod source shaped like an informer, an
// event list, a scripted sandbox runtime and a seeded rng.

import type { NewEvent, PodObject } from "../../../cluster/k8s/index.js";
import type { Clock } from "../../../common/clock.js";
import type { PodSource, SandboxOutcome, SandboxRuntime, SandboxInfo, SandboxRequest } from "../../../runtime/kubelet/index.js";

type Change = "ADDED" | "MODIFIED" | "DELETED";

export class FakePods implements PodSource {
  readonly pods = new Map<string, PodObject>();
  readonly #watchers = new Set<(t: Change, p: PodObject, old: PodObject | undefined) => void>();
  #rv = 0;
  started = false;
  /** Final deletions asked for by the kubelet (graceful deletion's last step). */
  readonly deleted: string[] = [];

  on(fn: (t: Change, p: PodObject, old: PodObject | undefined) => void): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  /** The initial list, as an informer's first sync delivers it. */
  async start(): Promise<void> {
    this.started = true;
    for (const p of this.pods.values()) for (const w of this.#watchers) w("ADDED", p, undefined);
  }

  stop(): void {
    this.started = false;
  }

  add(name: string, opts: { sgp?: boolean; node?: string } = {}): PodObject {
    const res: Record<string, string> = opts.sgp === true ? { "vpc.amazonaws.com/pod-eni": "1" } : {};
    const pod: PodObject = {
      namespace: "ns", name, uid: `uid-${name}`, labels: {}, annotations: {}, limits: res, requests: res,
      containers: ["app"], serviceAccount: "default", nodeName: opts.node ?? "node-1", hostNetwork: false, phase: "Pending",
      createdAt: 0, scheduledAt: 0, deletedAt: undefined, deletionGracePeriodSeconds: undefined, resourceVersion: String(++this.#rv),
    };
    this.#put("ADDED", pod);
    return pod;
  }

  annotate(name: string, key: string, value: string): PodObject {
    const old = this.#get(name);
    const pod = { ...old, annotations: { ...old.annotations, [key]: value }, resourceVersion: String(++this.#rv) };
    this.#put("MODIFIED", pod);
    return pod;
  }

  /** A change that is not semantic for kubelet (like a status update): only resourceVersion moves. */
  touch(name: string): PodObject {
    const pod = { ...this.#get(name), resourceVersion: String(++this.#rv) };
    this.#put("MODIFIED", pod);
    return pod;
  }

  /** Deleted at once (grace 0): DELETED. */
  delete(name: string): void {
    const pod = { ...this.#get(name), deletedAt: 1, resourceVersion: String(++this.#rv) };
    this.pods.delete(name);
    for (const w of this.#watchers) w("DELETED", pod, undefined);
  }

  /** Graceful deletion: the deletionTimestamp is set (MODIFIED); the kubelet finishes it. */
  terminate(name: string): PodObject {
    const pod = { ...this.#get(name), deletedAt: 1, deletionGracePeriodSeconds: 30, resourceVersion: String(++this.#rv) };
    this.#put("MODIFIED", pod);
    return pod;
  }

  /** The kubelet's deletePod dep: the object goes (DELETED). */
  readonly deletePod = async (p: { namespace: string; name: string; uid: string }): Promise<void> => {
    this.deleted.push(p.name);
    if (this.pods.has(p.name)) this.delete(p.name);
  };

  #get(name: string): PodObject {
    const p = this.pods.get(name);
    if (p === undefined) throw new Error(`no pod ${name}`);
    return p;
  }

  #put(type: Change, pod: PodObject): void {
    const old = this.pods.get(pod.name);
    this.pods.set(pod.name, pod);
    if (!this.started) return;
    for (const w of this.#watchers) w(type, pod, old);
  }
}

export class FakeEvents {
  readonly events: NewEvent[] = [];
  record(e: NewEvent): NewEvent {
    this.events.push(e);
    return e;
  }
  reasons(name?: string): string[] {
    return this.events.filter((e) => name === undefined || e.involvedObject.name === name).map((e) => e.reason);
  }
}

export interface RuntimeCall {
  verb: "run" | "stop";
  pod: string;
  sandboxId: string;
  at: number;
  attempt: number;
}

/** Answers each RunPodSandbox with the next scripted outcome for that pod (default: success), after `latencyMs`. */
export class ScriptedRuntime implements SandboxRuntime {
  readonly calls: RuntimeCall[] = [];
  readonly #script = new Map<string, (string | "ok")[]>();

  constructor(readonly clock: Clock, readonly latencyMs = 0) {}

  script(pod: string, ...outcomes: (string | "ok")[]): void {
    this.#script.set(pod, outcomes);
  }

  async runPodSandbox(pod: PodObject, req: SandboxRequest, signal: AbortSignal): Promise<SandboxOutcome> {
    this.calls.push({ verb: "run", pod: pod.name, sandboxId: req.sandboxId, at: this.clock.now(), attempt: req.attempt });
    if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs, signal);
    const next = this.#script.get(pod.name)?.shift() ?? "ok";
    if (next !== "ok") return { ok: false, error: `failed to setup network for sandbox "${req.sandboxId}": ${next}` };
    return { ok: true, sandbox: { sandboxId: req.sandboxId, netns: `/run/netns/fake-${req.attempt}`, ips: ["10.0.0.5/32"] } };
  }

  /** How many of the next stops fail. */
  failStops = 0;

  async stopPodSandbox(pod: PodObject, sandbox: SandboxInfo): Promise<void> {
    this.calls.push({ verb: "stop", pod: pod.name, sandboxId: sandbox.sandboxId, at: this.clock.now(), attempt: 0 });
    if (this.failStops > 0) {
      this.failStops--;
      throw new Error("failed to destroy network");
    }
  }
}

/** mulberry32: a small seeded PRNG. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
