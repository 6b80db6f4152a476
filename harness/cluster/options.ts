// `cluster up` / `cluster down` flags → one checked value, decided before anything starts (a bad
// flag is exit 2 and changes nothing).

import { resolve } from "node:path";
import { parseDuration } from "../../common/duration.js";
import { HarnessError } from "../../common/errors.js";
import { instanceLimits } from "../../common/limits.js";
import type { ClusterLayout } from "./names.js";
import { checkClusterName, clusterLayout, defaultStateDir } from "./names.js";

export interface RawUpFlags {
  nodes: string;
  kubeconfig?: string;
  name: string;
  stateDir?: string;
  vpcCidr: string;
  instanceType: string;
  provisioningDelay?: string;
  qps: string;
  burst: string;
  timeout: string;
  keepOnFailure?: boolean;
}

export interface UpConfig {
  readonly layout: ClusterLayout;
  /** Where the user wants the kubeconfig. */
  readonly kubeconfig: string;
  readonly instanceType: string;
  readonly provisioningDelay: string | undefined;
  readonly qps: number;
  readonly burst: number;
  readonly timeoutMs: number;
  readonly keepOnFailure: boolean;
}

function int(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new HarnessError("invalid-argument", `${flag} ${text}: a whole number from ${min} to ${max}`);
  return n;
}

export function resolveUpFlags(f: RawUpFlags): UpConfig {
  const name = checkClusterName(f.name);
  const stateDir = resolve(f.stateDir ?? defaultStateDir(name));
  const layout = clusterLayout({ name, stateDir, nodes: int(f.nodes, "--nodes", 1, 8), vpcCidr: f.vpcCidr });
  try {
    instanceLimits(f.instanceType);
  } catch {
    throw new HarnessError("invalid-argument", `--instance-type ${f.instanceType}: not an instance type this harness knows (see common/limits.ts)`);
  }
  if (f.provisioningDelay !== undefined) parseDuration(f.provisioningDelay, "--provisioning-delay");
  const timeoutMs = parseDuration(f.timeout, "--timeout");
  if (timeoutMs < 1_000) throw new HarnessError("invalid-argument", `--timeout ${f.timeout}: at least 1s`);
  return {
    layout, kubeconfig: resolve(f.kubeconfig ?? `${name}.kubeconfig`), instanceType: f.instanceType, provisioningDelay: f.provisioningDelay,
    qps: int(f.qps, "--qps", 0, 10_000), burst: int(f.burst, "--burst", 1, 10_000), timeoutMs, keepOnFailure: f.keepOnFailure === true,
  };
}

/** The state dir `down` and `status` work on: --state-dir, or the default of --name. */
export function resolveStateDir(f: { name: string; stateDir?: string }): string {
  return resolve(f.stateDir ?? defaultStateDir(checkClusterName(f.name)));
}
