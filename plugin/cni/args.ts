// CNI_ARGS ("K=V;K=V", any order) into the Kubernetes keys aws-cni reads (docs/REFERENCE.md §3);
// unknown keys are an error unless IgnoreUnknown is true, as Go's types.LoadArgs does.
import {
  clip,
  containerIdProblem,
  podNameProblem,
  podNamespaceProblem,
  podUidProblem,
  type PodName,
  type PodNamespace,
  type PodUid,
} from "../../common/boundary/index.js";
import { CniCode, CniError } from "./errors.js";

/** Each "" when not given (a plain cnitool call), else valid (DNS-1123 and length, common/boundary). */
export interface K8sArgs {
  podName: PodName | "";
  podNamespace: PodNamespace | "";
  infraContainerId: string;
  /** Sent to ipamd only on DEL (the real plugin's behaviour). */
  podUid: PodUid | "";
}

const CHECKS: Record<keyof K8sArgs, (v: string) => string | undefined> = {
  podName: podNameProblem,
  podNamespace: podNamespaceProblem,
  infraContainerId: (v) => (v === "" ? undefined : containerIdProblem(v)),
  podUid: podUidProblem,
};

const KEYS: Record<string, keyof K8sArgs> = {
  K8S_POD_NAME: "podName",
  K8S_POD_NAMESPACE: "podNamespace",
  K8S_POD_INFRA_CONTAINER_ID: "infraContainerId",
  K8S_POD_UID: "podUid",
};

/** Go's UnmarshallableBool: "1"/"true" and "0"/"false", any case. */
function parseBool(value: string): boolean {
  const v = value.toLowerCase();
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  throw new CniError(CniCode.InvalidEnvironment, `CNI_ARGS: IgnoreUnknown: boolean unmarshal error: invalid value ${JSON.stringify(clip(value, 80))}`);
}

/** A key as Go prints it when it is plain, else quoted (its newlines and controls escaped). */
function printable(key: string): string {
  return /^[\x21-\x7e]*$/.test(key) ? key : JSON.stringify(key);
}

export function parseCniArgs(raw: string): K8sArgs {
  const out: Record<keyof K8sArgs, string> = { podName: "", podNamespace: "", infraContainerId: "", podUid: "" };
  if (raw === "") return { podName: "", podNamespace: "", infraContainerId: "", podUid: "" };
  const pairs: [string, string][] = [];
  for (const item of raw.split(";")) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq <= 0) throw new CniError(CniCode.InvalidEnvironment, `CNI_ARGS: invalid pair ${JSON.stringify(clip(item, 80))}`);
    pairs.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  // IgnoreUnknown may come anywhere (containerd's order is random), so read it first.
  const ignore = pairs.filter(([k]) => k === "IgnoreUnknown").some(([, v]) => parseBool(v));
  const unknown: string[] = [];
  for (const [key, value] of pairs) {
    const field = KEYS[key];
    if (field !== undefined) out[field] = value;
    else if (key !== "IgnoreUnknown") unknown.push(key);
  }
  if (unknown.length > 0 && !ignore) {
    throw new CniError(CniCode.InvalidEnvironment, clip(`CNI_ARGS: unknown args [${unknown.map(printable).join(" ")}]`, 512), {
      details: "set IgnoreUnknown=1 to pass keys this plugin does not read",
    });
  }
  const problems = (Object.keys(CHECKS) as (keyof K8sArgs)[]).flatMap((k) => CHECKS[k](out[k]) ?? []);
  if (problems.length > 0) throw new CniError(CniCode.InvalidEnvironment, "CNI_ARGS: invalid values", { details: problems.join("; ") });
  // Every value was checked just above: this is where the brands are handed out.
  return out as unknown as K8sArgs;
}
