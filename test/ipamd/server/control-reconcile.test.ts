// ReconcileLeases' choice of leases (pure): not live, older than the list, of the network asked for.
import { describe, expect, it } from "vitest";
import { staleLeases } from "../../../ipamd/server/control-reconcile.js";
import type { Lease } from "../../../ipamd/server/control-types.js";

const lease = (container_id: string, allocated_at_ms: number, network_name = "aws-cni"): Lease =>
  ({ network_name, container_id, if_name: "eth0", ipv4: "10.0.0.5", pod_namespace: "default", pod_name: "p", allocated_at_ms, eni_id: "eni-1" }) as Lease;

describe("staleLeases", () => {
  const leases = [lease("live", 100), lease("gone", 100), lease("newer", 500), lease("other-net", 100, "other")];

  it("picks the leases of sandboxes not in the list, made before the list was taken", () => {
    expect(staleLeases(leases, { live_container_ids: ["live"], listed_at_ms: 400 }, 1000).map((l) => l.container_id)).toEqual(["gone", "other-net"]);
  });

  it("keeps to one network when asked", () => {
    expect(staleLeases(leases, { live_container_ids: ["live"], listed_at_ms: 400, network_name: "aws-cni" }, 1000).map((l) => l.container_id)).toEqual(["gone"]);
  });

  it("takes 'now' when the request gives no time", () => {
    expect(staleLeases(leases, { live_container_ids: [] }, 600).map((l) => l.container_id)).toEqual(["live", "gone", "newer", "other-net"]);
  });
});
