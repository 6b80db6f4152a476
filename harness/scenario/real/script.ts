// The real-time script: pod creations/deletions and fault changes on wall-clock timers, sent to
// mock-ipamd's control API (CreatePod with schedule: like the API server + scheduler).

import { errorMessage } from "../../../common/errors.js";
import type { ControlClient } from "../../../ipamd/index.js";
import { expandPods } from "../expand.js";
import type { Scenario } from "../schema.js";
import { faultChangeTimes, faultsAt } from "./config.js";

const CALL = { timeoutMs: 5_000 };

export interface RealScript {
  remaining(): number;
  cancel(): void;
}

export function playScript(s: Scenario, control: ControlClient, runStart: number, onProblem: (text: string) => void): RealScript {
  let remaining = 0;
  const timers: NodeJS.Timeout[] = [];
  const at = (ms: number, what: string, fn: () => Promise<unknown>): void => {
    remaining++;
    const delay = Math.max(0, runStart + ms - Date.now());
    timers.push(setTimeout(() => {
      fn().catch((e: unknown) => onProblem(`${what}: ${errorMessage(e)}`)).finally(() => void remaining--);
    }, delay));
  };
  // The SecurityGroupPolicies are in the daemon's config file already (real/config.ts).
  for (const t of faultChangeTimes(s.faults)) at(t, `SetFaults at ${t} ms`, () => control.SetFaults(faultsAt(s.faults, t), CALL));
  for (const p of expandPods(s)) {
    at(p.at, `CreatePod ${p.namespace}/${p.name}`, () => control.CreatePod({ namespace: p.namespace, name: p.name, uid: "", labels: p.labels, service_account: p.serviceAccount, schedule: true }, CALL));
    if (p.deleteAt !== undefined) at(p.deleteAt, `DeletePod ${p.namespace}/${p.name}`, () => control.DeletePod({ namespace: p.namespace, name: p.name, uid: "" }, CALL));
  }
  return {
    remaining: () => remaining,
    cancel: () => timers.forEach((t) => clearTimeout(t)),
  };
}
