// A CRI load run: N pods created and removed through containerd with a bounded concurrency, as
// kubelet would (RunPodSandbox, then StopPodSandbox + RemovePodSandbox), timed per call.
import type { CriClient } from "../../cri/index.js";
import { podSandboxConfig } from "../../cri/index.js";

export interface LoadOptions {
  cri: CriClient;
  /** CRI runtime handler: selects the CNI conf dir (our plugin or bridge). */
  runtimeHandler: string;
  pods: number;
  concurrency: number;
  namespace: string;
  /** Prefix of pod names, unique per run. */
  prefix: string;
}

export interface LoadResult {
  handler: string;
  pods: number;
  concurrency: number;
  failures: string[];
  wallMs: number;
  /** Whole lifecycles (run + stop + remove) per second. */
  podsPerSecond: number;
  runMs: number[];
  teardownMs: number[];
}

/** Nearest-rank percentile of an unsorted sample (q in 0..1). */
export function percentile(sample: readonly number[], q: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

async function onePod(o: LoadOptions, i: number, out: LoadResult): Promise<void> {
  const config = podSandboxConfig({ namespace: o.namespace, name: `${o.prefix}-${i}`, uid: `${o.prefix}-uid-${i}` });
  const t0 = performance.now();
  let id: string;
  try {
    id = await o.cri.runPodSandbox(config, { runtimeHandler: o.runtimeHandler, timeoutMs: 60_000 });
  } catch (e) {
    out.failures.push(`${config.metadata.name}: ${String(e)}`);
    return;
  }
  const t1 = performance.now();
  out.runMs.push(t1 - t0);
  try {
    await o.cri.stopPodSandbox(id, { timeoutMs: 60_000 });
    await o.cri.removePodSandbox(id, { timeoutMs: 60_000 });
    out.teardownMs.push(performance.now() - t1);
  } catch (e) {
    out.failures.push(`${config.metadata.name} teardown: ${String(e)}`);
  }
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const out: LoadResult = { handler: o.runtimeHandler, pods: o.pods, concurrency: o.concurrency, failures: [], wallMs: 0, podsPerSecond: 0, runMs: [], teardownMs: [] };
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < o.pods) await onePod(o, next++, out);
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.pods) }, worker));
  out.wallMs = performance.now() - start;
  out.podsPerSecond = (o.pods - out.failures.length) / (out.wallMs / 1000);
  return out;
}
