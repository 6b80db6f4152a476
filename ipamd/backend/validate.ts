// Checks an AddNetwork/DelNetwork request before any state is touched; a bad request is an
// INVALID_ARGUMENT that names the field, never a crash or a half-done allocation.

import { HarnessError } from "../../common/errors.js";
import type { LeaseKey } from "./types.js";

// CNI spec (docs/REFERENCE.md §5): container id and network name syntax, ifname rules.
const ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function text(req: Record<string, unknown>, name: string, rpc: string): string {
  const v = req[name];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new HarnessError("invalid-argument", `${rpc}: field ${name} must be a string`);
  return v;
}

/** The lease key of a request, validated; throws HarnessError("invalid-argument") naming the field. */
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
  if (!ID.test(key.containerID)) throw bad(rpc, "ContainerID", key.containerID);
  if (!ID.test(key.networkName)) throw bad(rpc, "NetworkName", key.networkName);
  if (key.ifName.length > 15 || key.ifName === "." || key.ifName === ".." || /[/:\s]/.test(key.ifName)) {
    throw bad(rpc, "IfName", key.ifName);
  }
  return key;
}

/** Optional text field: "" when absent, error when of the wrong type. */
export function optionalText(req: object, name: string, rpc: string): string {
  return text(req as Record<string, unknown>, name, rpc);
}

function bad(rpc: string, field: string, value: string): HarnessError {
  return new HarnessError("invalid-argument", `${rpc}: invalid ${field} "${value}"`, {
    details: "container ids and network names match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$; ifnames are at most 15 characters without / : or spaces",
  });
}
