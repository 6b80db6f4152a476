// Small waiting and teardown helpers shared by the containerd tests and the CRI benchmark.
import type { CriClient } from "../../cri/index.js";

/** Polls check (errors count as "not yet") until it returns true or timeoutMs passes. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
}

/** Stops and removes every sandbox (kubelet's order: StopPodSandbox, then RemovePodSandbox). */
export async function teardownSandboxes(cri: CriClient): Promise<void> {
  for (const sb of await cri.listPodSandbox(undefined, { timeoutMs: 10_000 })) {
    await cri.stopPodSandbox(sb.id, { timeoutMs: 30_000 }).catch(() => undefined);
    await cri.removePodSandbox(sb.id, { timeoutMs: 30_000 }).catch(() => undefined);
  }
}
