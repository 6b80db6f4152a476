// The demo's options, validated once from the command line into a frozen object.

import { parseDuration } from "../../common/duration.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { instanceLimits } from "../../common/limits.js";
import { timelineExtensionProblem } from "../timeline/write.js";

export interface DemoOptions {
  provisioningDelayMs: number;
  instanceType: string;
  /** Number of pods matching the SecurityGroupPolicy (plus one ordinary pod). */
  sgpPods: number;
  /** 0: ipamd fails the first ADD like the real one; > 0: it waits up to this long for the branch ENI. */
  waitForBranchEniMs: number;
  timelineFile: string | undefined;
  json: boolean;
  keep: boolean;
  /** Run without and with the branch-ENI wait and compare. */
  compare: boolean;
  /** Give up waiting for the pods after this long. */
  timeoutMs: number;
  namespace: string;
}

export interface RawDemoOptions {
  provisioningDelay?: string;
  instanceType?: string;
  pods?: string;
  waitForBranchEni?: string;
  timeline?: string;
  json?: boolean;
  keep?: boolean;
  compare?: boolean;
  timeout?: string;
  namespace?: string;
}

export function parseDemoOptions(raw: RawDemoOptions): Readonly<DemoOptions> {
  const sgpPods = Number(raw.pods ?? "1");
  if (!Number.isInteger(sgpPods) || sgpPods < 1 || sgpPods > 100) {
    throw new HarnessError("invalid-config", `--pods: "${raw.pods}" must be an integer from 1 to 100`);
  }
  const timeline = raw.timeline;
  const ext = timeline === undefined ? "" : timelineExtensionProblem(timeline);
  if (ext !== "") throw new HarnessError("invalid-config", ext);
  const instanceType = raw.instanceType ?? "m5.large";
  // Here, not in the daemon: a usage error is decided before anything starts.
  let limits;
  try {
    limits = instanceLimits(instanceType);
  } catch (e) {
    throw new HarnessError("invalid-config", `--instance-type: ${errorMessage(e)}`);
  }
  if (limits.branchEnis === 0) throw new HarnessError("invalid-config", `--instance-type: ${instanceType} has no trunk ENI (no branch ENIs), so no pod can match a SecurityGroupPolicy; choose one of m5.large, m5.xlarge, c5.large, ...`);
  const namespace = raw.namespace ?? "sgp-demo";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new HarnessError("invalid-config", `--namespace: "${namespace}" is not a valid namespace name`);
  return Object.freeze({
    provisioningDelayMs: parseDuration(raw.provisioningDelay ?? "5s", "--provisioning-delay"),
    instanceType,
    sgpPods,
    waitForBranchEniMs: parseDuration(raw.waitForBranchEni ?? "0", "--wait-for-branch-eni"),
    timelineFile: timeline,
    json: raw.json === true,
    keep: raw.keep === true,
    compare: raw.compare === true,
    timeoutMs: parseDuration(raw.timeout ?? "90s", "--timeout"),
    namespace,
  });
}

/** mock-ipamd's flags for the demo (the session adds --listen, --state-dir and the host links'). */
export function daemonArgs(o: DemoOptions): string[] {
  return [
    "--node-name", "demo-node",
    "--instance-type", o.instanceType,
    "--provisioning-delay", `${o.provisioningDelayMs}ms`,
    "--wait-for-branch-eni", `${o.waitForBranchEniMs}ms`,
    "--introspection", "off",
    // Port 0: any free port; the demo reads the fake EC2's call counts from it.
    "--metrics", "127.0.0.1:0",
    "--log-level", "info",
  ];
}
