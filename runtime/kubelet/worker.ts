// One pod's worker, like kubelet's pod_workers.go: at most one sync in flight; a failed sandbox
// is retried after the back-off timer or at once when the pod object changes.

import type { PodObject } from "../../cluster/k8s/pod.js";
import { DEFAULT_IMAGE } from "../../cluster/k8s/pod.js";
import type { TimerHandle } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { classifyFailure, failedCreatePodSandboxMessage, newSandboxId, podsDifferSemantically, retryDelayMs } from "./policy.js";
import type { BackoffConfig, KubeletDeps, PodKey, PodPhase, PodRuntimeState, SandboxInfo, SandboxOutcome } from "./types.js";

const IMAGE = DEFAULT_IMAGE;
const STOP_ATTEMPTS = 3;

export class PodWorker {
  readonly #deps: KubeletDeps;
  readonly #cfg: BackoffConfig;
  readonly #key: PodKey;
  #pod: PodObject;
  #phase: PodPhase = "pending";
  #attempts = 0;
  #failures = 0;
  #sandbox: SandboxInfo | undefined;
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  #abort = new AbortController();
  /** The pod object the current/last attempt started from. */
  #attemptPod: PodObject;
  #halted = false;
  #terminating: Promise<void> | undefined;
  readonly #firstSeenAt: number;
  #runningAt: number | undefined;

  constructor(pod: PodObject, deps: KubeletDeps, cfg: BackoffConfig) {
    this.#pod = pod;
    this.#attemptPod = pod;
    this.#deps = deps;
    this.#cfg = cfg;
    this.#key = { namespace: pod.namespace, name: pod.name, uid: pod.uid };
    this.#firstSeenAt = deps.clock.now();
  }

  begin(): void {
    this.#startAttempt();
  }

  /** A newer pod object: in back-off, a semantic change (such as the annotation PATCH) retries at once. */
  update(pod: PodObject): void {
    // resourceVersion is opaque (compare for equality only); the informer delivers in order.
    if (pod.resourceVersion === this.#pod.resourceVersion) return;
    const changed = podsDifferSemantically(this.#pod, pod);
    this.#pod = pod;
    if (changed && this.#phase === "backoff") {
      this.#timer?.cancel();
      this.#timer = undefined;
      this.#observeRetryNow("pod-changed");
      this.#startAttempt();
    }
    // While creating, the change is noticed when the attempt ends (pod_workers' pendingUpdate).
  }

  busy(): Promise<void> | undefined {
    return this.#inFlight;
  }

  state(): PodRuntimeState {
    return {
      pod: this.#key,
      phase: this.#phase,
      attempts: this.#attempts,
      failures: this.#failures,
      sandbox: this.#sandbox,
      firstSeenAt: this.#firstSeenAt,
      runningAt: this.#runningAt,
    };
  }

  /** Stops retrying and aborts an in-flight attempt (the runtime undoes it); keeps a running sandbox. */
  async halt(): Promise<void> {
    this.#halted = true;
    this.#timer?.cancel();
    this.#abort.abort(new Error("kubelet stopping"));
    await this.#inFlight;
  }

  /** terminate() was called (the pod is being deleted). */
  get terminating(): boolean {
    return this.#terminating !== undefined;
  }

  /** Pod deleted: wait for the attempt, then stop the sandbox (DEL, second DEL, netns). Once. */
  terminate(): Promise<void> {
    this.#terminating ??= this.#terminate();
    return this.#terminating;
  }

  async #terminate(): Promise<void> {
    this.#halted = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#inFlight;
    if (this.#phase === "terminated") return;
    this.#phase = "terminating";
    const sandbox = this.#sandbox;
    if (sandbox !== undefined) {
      this.#event("Normal", "Killing", `Stopping container ${this.#containers()[0] ?? "app"}`);
      this.#inFlight = this.#stopWithRetry(sandbox);
      await this.#inFlight;
      this.#inFlight = undefined;
      this.#sandbox = undefined;
      this.#deps.observe?.({ kind: "stopped", at: this.#deps.clock.now(), pod: this.#key, sandboxId: sandbox.sandboxId });
    }
    this.#phase = "terminated";
  }

  /** kubelet keeps retrying KillPod; we try STOP_ATTEMPTS times, 1 s, 2 s apart, then give up loudly. */
  async #stopWithRetry(sandbox: SandboxInfo): Promise<void> {
    for (let attempt = 1; attempt <= STOP_ATTEMPTS; attempt++) {
      try {
        await this.#deps.runtime.stopPodSandbox(this.#pod, sandbox, new AbortController().signal);
        return;
      } catch (e) {
        this.#event("Warning", "FailedKillPod", `error killing pod: ${errorMessage(e)}`);
        if (attempt < STOP_ATTEMPTS) await this.#deps.clock.sleep(1_000 * attempt);
      }
    }
  }

  #startAttempt(): void {
    if (this.#halted) return;
    this.#phase = "creating";
    this.#attempts++;
    const attempt = this.#attempts;
    const sandboxId = newSandboxId(this.#deps.rng);
    const pod = this.#pod;
    this.#attemptPod = pod;
    this.#deps.observe?.({ kind: "attempt-start", at: this.#deps.clock.now(), pod: this.#key, sandboxId, attempt });
    const run = this.#deps.runtime
      .runPodSandbox(pod, { sandboxId, attempt }, this.#abort.signal)
      .catch((e: unknown): SandboxOutcome => ({ ok: false, error: errorMessage(e) }));
    this.#inFlight = run.then((outcome) => {
      this.#inFlight = undefined;
      this.#finishAttempt(pod, sandboxId, attempt, outcome);
    });
  }

  #finishAttempt(pod: PodObject, sandboxId: string, attempt: number, outcome: SandboxOutcome): void {
    const at = this.#deps.clock.now();
    const classification = outcome.ok ? "" : classifyFailure(pod, outcome.error);
    this.#deps.observe?.({
      kind: "attempt-end",
      at,
      pod: this.#key,
      sandboxId,
      attempt,
      ok: outcome.ok,
      error: outcome.ok ? "" : outcome.error,
      classification,
      ips: outcome.ok ? outcome.sandbox.ips : [],
      netns: outcome.ok ? outcome.sandbox.netns : "",
    });
    if (outcome.ok) {
      this.#sandbox = outcome.sandbox;
      this.#phase = "running";
      this.#runningAt = at;
      this.#startContainers();
      this.#deps.observe?.({ kind: "running", at, pod: this.#key, sandboxId });
      return;
    }
    if (this.#abort.signal.aborted) {
      // Our own stop() cut the attempt short: not a sandbox failure to report.
      this.#phase = "pending";
      return;
    }
    this.#failures++;
    this.#deps.events.record({
      type: "Warning",
      reason: "FailedCreatePodSandBox",
      message: failedCreatePodSandboxMessage(outcome.error),
      involvedObject: { kind: "Pod", ...this.#key },
      source: this.#deps.source ?? "kubelet",
      timestamp: at,
      classification: classification === "" ? "real" : classification,
      attributes: { sandboxId, attempt: String(attempt) },
    });
    if (this.#halted) {
      this.#phase = "pending";
      return;
    }
    this.#phase = "backoff";
    if (podsDifferSemantically(this.#attemptPod, this.#pod)) {
      // The pod changed while the attempt ran (e.g. the annotation arrived): sync again at once.
      this.#observeRetryNow("pod-changed");
      this.#startAttempt();
      return;
    }
    const delay = retryDelayMs(outcome.error, this.#cfg, this.#deps.rng);
    this.#deps.observe?.({ kind: "retry-scheduled", at, pod: this.#key, dueAt: at + delay.ms, reason: delay.reason });
    this.#timer = this.#deps.clock.setTimer(delay.ms, () => {
      this.#timer = undefined;
      this.#observeRetryNow("timer");
      this.#startAttempt();
    });
  }

  /** After the sandbox: what kubelet reports for each container (image present, created, started). */
  #startContainers(): void {
    for (const c of this.#containers()) {
      this.#event("Normal", "Pulled", `Container image "${IMAGE}" already present on machine`);
      this.#event("Normal", "Created", `Created container: ${c}`);
      this.#event("Normal", "Started", `Started container ${c}`);
    }
  }

  #containers(): readonly string[] {
    return this.#deps.containers?.(this.#pod) ?? ["app"];
  }

  #observeRetryNow(reason: "pod-changed" | "timer"): void {
    this.#deps.observe?.({ kind: "retry-now", at: this.#deps.clock.now(), pod: this.#key, reason });
  }

  #event(type: "Normal" | "Warning", reason: string, message: string): void {
    this.#deps.events.record({
      type,
      reason,
      message,
      involvedObject: { kind: "Pod", ...this.#key },
      source: this.#deps.source ?? "kubelet",
      timestamp: this.#deps.clock.now(),
    });
  }
}
