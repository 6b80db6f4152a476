// CNI GC (spec 1.1.0) as a runtime sends it: CRI-O calls GC on a timer with the attachments of the
// sandboxes it still has (cri-o/cri-o#8018; containerd 1.6 to 2.x never sends GC, containerd/go-cni
// PR #131). Wrapped around a SandboxRuntime, it tracks the live sandboxes, sends libcni's
// GCNetworkList for every attachment (DEL of cached stale attachments, then GC with
// `cni.dev/valid-attachments`) every intervalMs and on demand, and never while an ADD or DEL of
// those networks runs (the spec forbids ADD/DEL during GC). This is how a lease whose DEL could not
// reach ipamd gets released later (README, "No lost leases").
import type { Clock } from "../common/clock.js";
import { errorMessage } from "../common/errors.js";
import { runPeriodically } from "../common/periodic.js";
import type { SandboxRuntime } from "./kubelet/types.js";
import type { CniRuntime, GCAttachment, NetworkConfigList } from "./libcni/index.js";

export interface NetworkGcOptions {
  cni: Pick<CniRuntime, "gcNetworkList">;
  /** The networks every sandbox attaches to, with its interface name in them. */
  attachments: readonly { list: NetworkConfigList; ifName: string }[];
  clock: Clock;
  /** Period of the GC; 0 = only when gc() is called. */
  intervalMs: number;
  onError?: (text: string) => void;
}

export interface GcSandboxRuntime extends SandboxRuntime {
  /** One GC of every network now (after the ADDs and DELs in flight); rejects with the errors. */
  gc(signal?: AbortSignal): Promise<void>;
  /** Stops the timer. */
  close(): void;
}

/** Many ADD/DEL at once, or one GC alone. */
class OpsOrGc {
  #ops = 0;
  #gc: Promise<void> | undefined;
  #idle: (() => void)[] = [];

  async op<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#gc !== undefined) await this.#gc;
    this.#ops++;
    try {
      return await fn();
    } finally {
      if (--this.#ops === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  async gc(fn: () => Promise<void>): Promise<void> {
    while (this.#gc !== undefined) await this.#gc.catch(() => {});
    let release = (): void => {};
    this.#gc = new Promise<void>((r) => (release = r));
    try {
      if (this.#ops > 0) await new Promise<void>((r) => this.#idle.push(r));
      await fn();
    } finally {
      this.#gc = undefined;
      release();
    }
  }
}

export function withNetworkGc(inner: SandboxRuntime, o: NetworkGcOptions): GcSandboxRuntime {
  const live = new Set<string>();
  const lock = new OpsOrGc();

  async function collect(signal?: AbortSignal): Promise<void> {
    const errors: string[] = [];
    for (const a of o.attachments) {
      const valid: GCAttachment[] = [...live].map((containerID) => ({ containerID, ifname: a.ifName }));
      await o.cni.gcNetworkList(a.list, valid, signal).catch((e: unknown) => void errors.push(`${a.list.name}: ${errorMessage(e)}`));
    }
    if (errors.length > 0) throw new Error(`CNI GC: ${errors.join("; ")}`);
  }

  const timer = o.intervalMs <= 0 ? undefined
    : runPeriodically(o.clock, o.intervalMs, o.intervalMs, () => lock.gc(() => collect()).catch((e: unknown) => o.onError?.(errorMessage(e))));

  return {
    async runPodSandbox(pod, req, signal) {
      return lock.op(async () => {
        const out = await inner.runPodSandbox(pod, req, signal);
        if (out.ok) live.add(out.sandbox.sandboxId);
        return out;
      });
    },
    async stopPodSandbox(pod, sandbox, signal) {
      await lock.op(() => inner.stopPodSandbox(pod, sandbox, signal));
      live.delete(sandbox.sandboxId);
    },
    gc: (signal) => lock.gc(() => collect(signal)),
    close() {
      timer?.stop();
    },
  };
}
