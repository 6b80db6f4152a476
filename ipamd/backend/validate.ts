// Checks an AddNetwork/DelNetwork request before any state is touched; a bad request is an
// INVALID_ARGUMENT that names the field, never a crash or a half-done allocation. The rules are
// the shared boundary rules (common/boundary): the plugin checks the same values the same way.

import {
  clip,
  containerIdProblem,
  ifNameProblem,
  networkNameProblem,
  podNameProblem,
  podNamespaceProblem,
  podUidProblem,
} from "../../common/boundary/index.js";
import { HarnessError } from "../../common/errors.js";
import type { LeaseKey } from "./types.js";

function text(req: Record<string, unknown>, name: string, rpc: string): string {
  const v = req[name];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new HarnessError("invalid-argument", `${rpc}: field ${name} must be a string`);
  return v;
}

/** The pod's identity fields and their rules ("" = not given: the cnitool case). */
const POD_FIELDS: readonly [string, (v: string) => string | undefined][] = [
  ["K8S_POD_NAME", podNameProblem],
  ["K8S_POD_NAMESPACE", podNamespaceProblem],
  ["K8S_POD_UID", podUidProblem],
  ["K8S_POD_INFRA_CONTAINER_ID", (v) => (v === "" ? undefined : containerIdProblem(v))],
];

/**
 * The lease key of a request, validated, after the pod's identity fields (DNS-1123 and length);
 * throws HarnessError("invalid-argument") naming the field.
 */
export function leaseKeyOf(req: object, rpc: "AddNetwork" | "DelNetwork"): LeaseKey {
  const r = req as Record<string, unknown>;
  const key = {
    containerID: text(r, "ContainerID", rpc),
    ifName: text(r, "IfName", rpc),
    networkName: text(r, "NetworkName", rpc),
  };
  const missing = Object.entries({ ContainerID: key.containerID, IfName: key.ifName, NetworkName: key.networkName })
    .filter(([, v]) => v === "")
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new HarnessError("invalid-argument", `${rpc}: missing required field(s) ${missing.join(", ")}`, {
      details: "the datastore key is (NetworkName, ContainerID, IfName); all three must be set",
    });
  }
  check(rpc, "ContainerID", containerIdProblem(key.containerID));
  check(rpc, "NetworkName", networkNameProblem(key.networkName));
  check(rpc, "IfName", ifNameProblem(key.ifName));
  for (const [field, rule] of POD_FIELDS) check(rpc, field, rule(text(r, field, rpc)));
  return key;
}

/** Optional text field: "" when absent, error when of the wrong type. */
export function optionalText(req: object, name: string, rpc: string): string {
  return text(req as Record<string, unknown>, name, rpc);
}

/** The problem texts quote the value clipped, so a 128 KiB field never reaches a gRPC status. */
function check(rpc: string, field: string, problem: string | undefined): void {
  if (problem === undefined) return;
  throw new HarnessError("invalid-argument", clip(`${rpc}: invalid ${field}: ${problem}`, 512), {
    details:
      "container ids and network names match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$; ifnames are kernel names of at most 15 bytes " +
      "without / : whitespace quotes # or \\; pod names are DNS-1123 subdomains, namespaces DNS-1123 labels (common/boundary)",
  });
}
