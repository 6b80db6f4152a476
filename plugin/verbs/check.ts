// CHECK (spec 0.4.0+): verifies the pod network through the dataplane against prevResult; the
// real aws-cni has none (its conflist sets disableCheck), so the rules here are the spec's.
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import type { PodNetworkSpec } from "../dataplane/types.js";
import { withDeadline } from "./deadline.js";
import { podLabel } from "./ipamd-errors.js";
import { dummyIfName } from "./naming.js";
import { basePodSpec, prevFacts } from "./spec.js";
import { DATAPLANE_TIMEOUT_MS, type VerbDeps } from "./types.js";

export function checkSpec(a: VerbArgs): PodNetworkSpec {
  if (a.conf.prevResult === undefined) {
    throw new CniError(CniCode.InvalidNetworkConfig, "check cmd: required prevResult missing", { details: podLabel(a) });
  }
  const facts = prevFacts(a);
  if (facts === undefined || facts.ipv4 === undefined) {
    throw new CniError(CniCode.Generic, `check cmd: prevResult has no attachment of this plugin on ${a.env.ifName}`, {
      details: `${podLabel(a)}: expected interface "${a.env.ifName}" with an IPv4 address and the entry "${dummyIfName(a.k8s.podNamespace, a.k8s.podName)}"`,
    });
  }
  const vlanId = facts.vlanId;
  const spec = basePodSpec(a, vlanId !== 0, facts.ipv4, facts.routeTable);
  if (vlanId !== 0) {
    // prevResult does not hold the branch ENI's MAC or trunk index; CHECK looks at the VLAN link by name.
    spec.branch = { vlanId, eniMac: undefined, subnetGateway: facts.gateway, parentIfIndex: undefined, mode: a.conf.podSGEnforcingMode };
  }
  return spec;
}

export async function check(a: VerbArgs, d: VerbDeps): Promise<void> {
  const spec = checkSpec(a);
  await withDeadline(d.clock, DATAPLANE_TIMEOUT_MS, "dataplane check", (s) => d.dataplane.check(spec, s));
}
