// GC (spec 1.1.0): releases this plugin's attachments that are not in `cni.dev/valid-attachments`.
// ipamd's rpc has no list call, so the candidates are the plugin's own records (state.ts) written
// at ADD; attachments added before the state dir existed are not seen (ipamd's own reconciliation
// covers those). Without the key at all nothing is released: we cannot tell what is valid.
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import { isIpamdError } from "../client/types.js";
import { withDeadline } from "./deadline.js";
import { UNKNOWN_POD } from "./ipamd-errors.js";
import type { AttachmentRecord } from "./state.js";
import { DATAPLANE_TIMEOUT_MS, type VerbDeps } from "./types.js";

/** Reason sent to ipamd (its del counter is labelled by reason). */
export const GC_REASON = "GarbageCollected";

async function release(a: VerbArgs, d: VerbDeps, rec: AttachmentRecord): Promise<void> {
  await withDeadline(d.clock, DATAPLANE_TIMEOUT_MS, "dataplane teardown", (s) =>
    d.dataplane.teardown(
      {
        containerId: rec.containerId,
        // The sandbox is gone or going: only host-side objects are removed (no netns needed).
        netns: "",
        ifName: rec.ifName,
        hostVethName: rec.hostVethName,
        ipv4: rec.ipv4,
        vlanId: rec.vlanId,
        mode: rec.mode,
      },
      s,
    ),
  );
  try {
    await d.ipamd.delNetwork({
      K8S_POD_NAME: rec.podName,
      K8S_POD_NAMESPACE: rec.podNamespace,
      K8S_POD_INFRA_CONTAINER_ID: rec.infraContainerId,
      Reason: GC_REASON,
      IfName: rec.ifName,
      NetworkName: a.conf.name,
      ContainerID: rec.containerId,
      ClientVersion: a.conf.ipamdClientVersion,
      K8S_POD_UID: "",
    });
  } catch (e) {
    if (!(isIpamdError(e) && e.grpcDetails.includes(UNKNOWN_POD))) throw e;
  }
  await d.store.remove(a.conf.name, rec.containerId, rec.ifName);
}

export async function gc(a: VerbArgs, d: VerbDeps): Promise<void> {
  const valid = a.conf.validAttachments;
  if (valid === undefined) {
    d.log.warn("GC without cni.dev/valid-attachments: nothing released");
    return;
  }
  const keep = new Set(valid.map((v) => `${v.containerId}/${v.ifName}`));
  const stale = (await d.store.list(a.conf.name)).filter((r) => !keep.has(`${r.containerId}/${r.ifName}`));
  const failures: string[] = [];
  // Spec: keep going after a partial error, report them all at the end.
  for (const rec of stale) {
    try {
      await release(a, d, rec);
      d.log.info("GC released attachment", { stale: `${rec.containerId}/${rec.ifName}`, ipv4: rec.ipv4 });
    } catch (e) {
      failures.push(`${rec.containerId}/${rec.ifName}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failures.length > 0) {
    throw new CniError(CniCode.Generic, `gc: failed to release ${failures.length} of ${stale.length} attachments`, {
      details: failures.join("; "),
    });
  }
}
