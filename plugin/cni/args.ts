// CNI_ARGS ("K=V;K=V", any order) into the Kubernetes keys aws-cni reads (docs/REFERENCE.md §3);
// unknown keys are an error unless IgnoreUnknown is true, as Go's types.LoadArgs does.
import { CniCode, CniError } from "./errors.js";

export interface K8sArgs {
  podName: string;
  podNamespace: string;
  infraContainerId: string;
  /** Sent to ipamd only on DEL (the real plugin's behaviour). */
  podUid: string;
}

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
  throw new CniError(CniCode.InvalidEnvironment, `CNI_ARGS: IgnoreUnknown: boolean unmarshal error: invalid value "${value}"`);
}

export function parseCniArgs(raw: string): K8sArgs {
  const out: K8sArgs = { podName: "", podNamespace: "", infraContainerId: "", podUid: "" };
  if (raw === "") return out;
  const pairs: [string, string][] = [];
  for (const item of raw.split(";")) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq <= 0) throw new CniError(CniCode.InvalidEnvironment, `CNI_ARGS: invalid pair "${item}"`);
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
    throw new CniError(CniCode.InvalidEnvironment, `CNI_ARGS: unknown args [${unknown.join(" ")}]`, {
      details: "set IgnoreUnknown=1 to pass keys this plugin does not read",
    });
  }
  return out;
}
