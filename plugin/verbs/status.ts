// STATUS (spec 1.1.0): ready when ipamd answers its gRPC health check (service
// `grpc.health.v1.aws-node`, docs/REFERENCE.md §2) within the deadline; else code 50.
import { HEALTH_SERVICE } from "../../proto/rpc.js";
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import { GrpcStatus, isIpamdError } from "../client/types.js";
import type { VerbDeps } from "./types.js";

async function serving(d: VerbDeps): Promise<boolean> {
  try {
    return await d.ipamd.isServing(HEALTH_SERVICE);
  } catch (e) {
    // A daemon that registers only the overall health ("") is asked for that instead.
    if (isIpamdError(e) && e.grpcCode === GrpcStatus.NOT_FOUND) return d.ipamd.isServing("");
    throw e;
  }
}

export async function status(_a: VerbArgs, d: VerbDeps): Promise<void> {
  let ok: boolean;
  try {
    ok = await serving(d);
  } catch (e) {
    throw new CniError(CniCode.PluginNotAvailable, "plugin not available: ipamd is unreachable", {
      details: `ipamd at ${d.ipamd.address}: ${isIpamdError(e) ? e.grpcDetails : String(e)}`,
      cause: e,
    });
  }
  if (!ok) {
    throw new CniError(CniCode.PluginNotAvailable, "plugin not available: ipamd is not serving", {
      details: `ipamd at ${d.ipamd.address} answered NOT_SERVING for ${HEALTH_SERVICE}`,
    });
  }
}
