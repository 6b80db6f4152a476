// How ipamd's answers become CNI errors: the real plugin's strings in msg (docs/REFERENCE.md sections 1 and
// 3), our explanation in details.
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import { isIpamdError, type FailureNote } from "../client/types.js";

/** ipamd's text for a release of an unknown key; aws-cni's DEL treats it as success. */
export const UNKNOWN_POD = "datastore: unknown pod";

export function podLabel(a: VerbArgs): string {
  const pod = a.k8s.podName === "" ? "(no K8S_POD_NAME)" : `${a.k8s.podNamespace}/${a.k8s.podName}`;
  return `pod ${pod}, container ${a.env.containerId}, interface ${a.env.ifName}`;
}

const EXPLAIN: Record<string, string> = {
  "branch-eni-not-ready":
    "the pod needs a branch ENI (Security Groups for Pods) and the VPC resource controller has not provisioned it yet " +
    "(no vpc.amazonaws.com/pod-eni annotation): expected on the first ADD; kubelet retries and the ADD succeeds once the annotation is there",
  "no-trunk-eni": "the node has no trunk ENI yet, so no branch ENI can be used",
  "no-available-ip": "ipamd has no free secondary IP on this node",
};

/** AddNetwork answered Success=false: code 999 with aws-cni's exact message. */
export function addRefused(a: VerbArgs, address: string, note: FailureNote | undefined): CniError {
  return new CniError(CniCode.Generic, "add cmd: failed to assign an IP address to container", {
    details: `${podLabel(a)}: ipamd at ${address} answered Success=false; ${refusalReason(note)}`,
  });
}

/** The daemon's own account (trailers) when it sent one, else our fixed explanation of the reason. */
function refusalReason(note: FailureNote | undefined): string {
  if (note === undefined) {
    return (
      "ipamd gave no reason (the real ipamd never does; for a Security Groups for Pods pod this is the expected " +
      "first-ADD failure while its branch ENI is provisioned, and kubelet's retry succeeds once it is)"
    );
  }
  const account = note.details !== "" ? note.details : (EXPLAIN[note.reason] ?? "no details");
  const hint = note.reason === "branch-eni-not-ready" ? "; expected on a first ADD: kubelet retries, and the ADD succeeds once the annotation is there" : "";
  return `${note.reason}: ${account}${hint}`;
}

/** A gRPC failure of AddNetwork: unreachable -> code 11 (try again later), else 999; msg as aws-cni wraps it. */
export function addCallFailed(a: VerbArgs, address: string, e: unknown): CniError {
  const text = e instanceof Error ? e.message : String(e);
  const msg = `add cmd: Error received from AddNetwork gRPC call: ${text}`;
  if (isIpamdError(e) && e.unreachable) {
    return new CniError(CniCode.TryAgainLater, msg, {
      details: `${podLabel(a)}: ipamd at ${address} is unreachable or did not answer in time; try again later`,
      cause: e,
    });
  }
  return new CniError(CniCode.Generic, msg, { details: `${podLabel(a)}: ipamd at ${address}`, cause: e });
}
