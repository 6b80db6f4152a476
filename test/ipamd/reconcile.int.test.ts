// ReconcileLeases on the built daemon (issue #10, item 2): a lease whose DEL never reached ipamd
// (it was down) is released once the runtime's list of live sandboxes says its sandbox is gone; a
// live sandbox's lease, and one made after the list was taken, stay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import { cniBackendClient, startDaemon, type CniBackendClient, type StartedDaemon } from "../helpers/daemon.js";

const addReq = (id: string) => ({
  K8S_POD_NAME: `p-${id}`, K8S_POD_NAMESPACE: "default", K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id, IfName: "eth0",
  NetworkName: "aws-cni", Netns: `/var/run/netns/cni-${id}`, ClientVersion: CLIENT_VERSION,
});

describe("ReconcileLeases", () => {
  let d: StartedDaemon;
  let cni: CniBackendClient;
  beforeAll(async () => {
    d = await startDaemon();
    cni = cniBackendClient(d.address);
  });
  afterAll(async () => {
    cni?.close();
    await d?.stop();
  });

  it("releases the leases of sandboxes that are gone, through DelNetwork (Reason Reconciled)", async () => {
    for (const id of ["live1", "leaked1", "leaked2"]) expect((await cni.AddNetwork(addReq(id))).Success).toBe(true);
    // ipamd is down when the runtime DELs leaked1 and leaked2: the plugin cannot release them.
    await d.control.SetFaults({ ipamd_down: true });
    await expect(cni.DelNetwork({ ...addReq("leaked1"), Reason: "PodDeleted", K8S_POD_UID: "" })).rejects.toMatchObject({ code: 14 });
    await d.control.SetFaults({ ipamd_down: false });
    const listedAt = Date.now();
    // A sandbox created after the runtime took its list: its lease must stay.
    expect((await cni.AddNetwork(addReq("newer1"))).Success).toBe(true);
    const reply = await d.control.ReconcileLeases({ live_container_ids: ["live1"], listed_at_ms: listedAt });
    expect(reply.released.map((l) => l.container_id).sort()).toEqual(["leaked1", "leaked2"]);
    expect((await d.control.ListLeases({})).leases.map((l) => l.container_id).sort()).toEqual(["live1", "newer1"]);
    const metrics = await (await fetch(d.metricsUrl)).text();
    expect(metrics).toMatch(/awscni_del_ip_req_count\{reason="Reconciled"\} 2/);
  });
});
