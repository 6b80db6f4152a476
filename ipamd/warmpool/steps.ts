// The two actions of the warm pool, with their deadlines and their undo on failure: attach an ENI
// into the datastore, and free an unused one (taken out of the datastore first, so no ADD can
// land on it; put back if EC2 refuses the detach, since the ENI is then still attached).

import type { Clock } from "../../common/clock.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { Datastore, EniSpec } from "../datastore/index.js";
import type { AttachedEni, EniAttacher, WarmPoolHooks, WarmPoolLog } from "./attacher.js";

interface StepDeps {
  readonly datastore: Datastore;
  readonly attacher: EniAttacher;
  readonly clock: Clock;
  readonly callTimeoutMs?: number;
  readonly hooks?: WarmPoolHooks;
  readonly log?: WarmPoolLog;
}

const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** Attaches one ENI and adds it to the datastore; returns its id. */
export async function attachOne(d: StepDeps, stop: AbortSignal): Promise<string> {
  const eni = await withDeadline(d, stop, "attach ENI", (signal) => d.attacher.attachEni(signal));
  const spec = toSpec(eni);
  try {
    d.datastore.addEni(spec);
  } catch (e: unknown) {
    // Not usable (e.g. a device number the datastore already has): give it back rather than leak it.
    await withDeadline(d, stop, `detach ENI ${eni.eniId}`, (signal) => d.attacher.detachEni(eni.eniId, signal)).catch(() => undefined);
    throw e;
  }
  d.log?.info({ eniId: eni.eniId, deviceNumber: eni.deviceNumber, ips: spec.secondaryIps.length }, "warm pool: ENI attached");
  await runHook(d, stop, "eniAttached", (signal) => d.hooks?.eniAttached?.(eni, signal));
  return eni.eniId;
}

/** Frees one unused ENI. */
export async function detachOne(d: StepDeps, eniId: string, stop: AbortSignal): Promise<void> {
  const info = d.datastore.eni(eniId);
  if (info === undefined) throw new HarnessError("not-found", `warm pool: ENI ${eniId} is not attached`);
  d.datastore.removeEni(eniId);
  try {
    await withDeadline(d, stop, `detach ENI ${eniId}`, (signal) => d.attacher.detachEni(eniId, signal));
  } catch (e: unknown) {
    const { eniId: id, mac, deviceNumber, primaryIp, subnetCidr, secondaryIps } = info;
    d.datastore.addEni({ eniId: id, mac, deviceNumber, primaryIp, subnetCidr, secondaryIps });
    throw e;
  }
  d.log?.info({ eniId }, "warm pool: ENI freed");
  await runHook(d, stop, "eniDetached", (signal) => d.hooks?.eniDetached?.(eniId, signal));
}

export function toSpec(eni: AttachedEni): EniSpec {
  const [primaryIp, ...secondaryIps] = eni.ips;
  if (primaryIp === undefined) throw new HarnessError("internal", `warm pool: ENI ${eni.eniId} came back without any IP`);
  return { eniId: eni.eniId, mac: eni.mac, deviceNumber: eni.deviceNumber, primaryIp, subnetCidr: eni.subnetCidr, secondaryIps };
}

/** Runs fn with a signal aborted at the deadline (on the injected clock) or when stop aborts. */
export async function withDeadline<T>(
  d: Pick<StepDeps, "clock" | "callTimeoutMs">,
  stop: AbortSignal,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ms = d.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const ac = new AbortController();
  const timeout = new HarnessError("deadline", `${what}: no answer within ${ms} ms`);
  const timer = d.clock.setTimer(ms, () => ac.abort(timeout));
  const onStop = (): void => ac.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener("abort", onStop, { once: true });
  try {
    // Race so that an attacher which ignores its signal still cannot hold the pool past the deadline.
    return await Promise.race([fn(ac.signal), aborted(ac.signal)]);
  } finally {
    timer.cancel();
    stop.removeEventListener("abort", onStop);
    if (!ac.signal.aborted) ac.abort(new HarnessError("internal", `${what}: finished`));
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

async function runHook(d: StepDeps, stop: AbortSignal, name: string, fn: (signal: AbortSignal) => unknown): Promise<void> {
  try {
    await withDeadline(d, stop, name, async (signal) => await fn(signal));
  } catch (e: unknown) {
    // A host link is a convenience of this harness; pods still get IPs without it.
    d.log?.warn({ hook: name, error: errorMessage(e) }, "warm pool: hook failed");
  }
}
