// DEL semantics (docs/REFERENCE.md sections 3 and 5): idempotent, empty netns, no prevResult, unknown pod,
// unreachable daemon, branch pods from prevResult without ipamd, the pod UID sent only on DEL.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CniError } from "../../../plugin/cni/errors.js";
import { FakeIpamd, invoke, netconf, newWorld, type World } from "./fakes.js";

const HASH = createHash("sha1").update("default.web-1").digest("hex").slice(0, 11);

async function addThen(w: World, v: string): Promise<Record<string, unknown>> {
  const out = await invoke(w, { command: "ADD", conf: netconf(v) });
  expect(out.code).toBe(0);
  return out.json as Record<string, unknown>;
}

describe("DEL", () => {
  it("releases the IP with Reason PodDeleted and the pod UID, then tears down from ipamd's reply", async () => {
    const w = newWorld();
    await addThen(w, "1.0.0");
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0") });
    expect(out.code).toBe(0);
    expect(w.ipamd.delCalls).toMatchObject([{ Reason: "PodDeleted", K8S_POD_UID: "uid-1", ContainerID: "c0ffee", IfName: "eth0" }]);
    expect(w.dataplane.calls[1]).toEqual({
      op: "teardown",
      spec: { containerId: "c0ffee", netns: "/var/run/netns/pod1", ifName: "eth0", hostVethName: `eni${HASH}`, ipv4: "10.0.0.10", routeTable: 254, vlanId: 0, mode: "strict" },
    });
    expect(await w.store.list("aws-cni")).toEqual([]);
  });

  it("is idempotent: a repeated DEL succeeds (ipamd answers datastore: unknown pod)", async () => {
    const w = newWorld();
    await addThen(w, "1.0.0");
    expect((await invoke(w, { command: "DEL", conf: netconf("1.0.0") })).code).toBe(0);
    const again = await invoke(w, { command: "DEL", conf: netconf("1.0.0") });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    expect(w.ipamd.delCalls).toHaveLength(2);
  });

  it("succeeds after a failed ADD, without prevResult and with an empty netns (containerd's second DEL)", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", "pending");
    expect((await invoke(w, { command: "ADD", conf: netconf("0.4.0") })).code).toBe(1);
    const first = await invoke(w, { command: "DEL", conf: netconf("0.4.0") });
    const second = await invoke(w, { command: "DEL", conf: netconf("0.4.0"), env: { CNI_NETNS: "" } });
    const third = await invoke(w, { command: "DEL", conf: netconf("0.4.0"), env: { CNI_NETNS: undefined } });
    expect([first.code, second.code, third.code]).toEqual([0, 0, 0]);
    expect(w.dataplane.calls).toEqual([]);
  });

  it("a branch pod with prevResult is torn down without ipamd", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", { vlanId: 4, mac: "06:00:00:00:00:04", gateway: "10.0.8.1", parentIfIndex: 3 });
    const prevResult = await addThen(w, "0.4.0");
    w.ipamd.down = FakeIpamd.unreachable();
    const out = await invoke(w, { command: "DEL", conf: netconf("0.4.0", { prevResult }) });
    expect(out.code).toBe(0);
    expect(w.ipamd.delCalls).toEqual([]);
    expect(w.dataplane.calls[1]).toMatchObject({ op: "teardown", spec: { hostVethName: `vlan${HASH}`, vlanId: 4, ipv4: "10.1.2.3", mode: "strict" } });
  });

  it("a branch pod's DEL with an empty netns does nothing and succeeds", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", { vlanId: 4, mac: "06:00:00:00:00:04", gateway: "10.0.8.1", parentIfIndex: 3 });
    const prevResult = await addThen(w, "1.0.0");
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0", { prevResult }), env: { CNI_NETNS: "" } });
    expect(out.code).toBe(0);
    expect(w.dataplane.ops()).toEqual(["setup"]);
  });

  it("unreachable daemon: tears down an ordinary pod from prevResult and succeeds", async () => {
    const w = newWorld();
    w.ipamd.deviceNumber = 1;
    const prevResult = await addThen(w, "1.1.0");
    w.ipamd.down = FakeIpamd.unreachable();
    const out = await invoke(w, { command: "DEL", conf: netconf("1.1.0", { prevResult }) });
    expect(out.code).toBe(0);
    expect(w.dataplane.calls[1]).toMatchObject({ op: "teardown", spec: { ipv4: "10.0.0.10", routeTable: 2, vlanId: 0 } });
  });

  it("unreachable daemon: the attachment record is kept, and a later DEL releases the lease and drops it", async () => {
    const w = newWorld();
    const prevResult = await addThen(w, "1.1.0");
    w.ipamd.down = FakeIpamd.unreachable();
    expect((await invoke(w, { command: "DEL", conf: netconf("1.1.0", { prevResult }) })).code).toBe(0);
    expect(w.ipamd.leases.size).toBe(1);
    expect((await w.store.list("aws-cni")).map((r) => r.containerId)).toEqual(["c0ffee"]);
    expect(w.logs.join("")).toContain("keeping the attachment record");
    w.ipamd.down = undefined;
    expect((await invoke(w, { command: "DEL", conf: netconf("1.1.0"), env: { CNI_NETNS: "" } })).code).toBe(0);
    expect(w.ipamd.leases.size).toBe(0);
    expect(await w.store.list("aws-cni")).toEqual([]);
  });

  it("unreachable daemon: the kept record lets the runtime's next GC release the lease", async () => {
    const w = newWorld();
    const prevResult = await addThen(w, "1.1.0");
    w.ipamd.down = FakeIpamd.unreachable();
    expect((await invoke(w, { command: "DEL", conf: netconf("1.1.0", { prevResult }) })).code).toBe(0);
    w.ipamd.down = undefined;
    const gc = await invoke(w, { command: "GC", conf: netconf("1.1.0", { "cni.dev/valid-attachments": [] }), env: { CNI_CONTAINERID: undefined, CNI_IFNAME: undefined } });
    expect(gc.code, gc.stdout).toBe(0);
    expect(w.ipamd.delCalls.at(-1)).toMatchObject({ ContainerID: "c0ffee", Reason: "GarbageCollected" });
    expect(w.ipamd.leases.size).toBe(0);
    expect(await w.store.list("aws-cni")).toEqual([]);
  });

  it.each([
    ["a newline and `link add` in the address", "10.9.9.9\nlink add evil0 type veth peer name evil1\n#/32"],
    ["extra words in the address", "198.18.77.1 lookup 777 prio 7777 #/32"],
  ])("a prevResult with %s is code 7 and nothing is torn down or released", async (_n, address) => {
    const w = newWorld();
    const prevResult = await addThen(w, "1.0.0");
    (prevResult.ips as { address: string }[])[0]!.address = address;
    w.ipamd.down = FakeIpamd.unreachable();
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0", { prevResult }) });
    expect(out.json).toMatchObject({ code: 7, msg: "could not parse prevResult: ips[0].address " + JSON.stringify(address) + " is not an IP address with a prefix length" });
    expect(w.dataplane.ops()).toEqual(["setup"]);
    expect(w.ipamd.delCalls).toEqual([]);
  });

  it("a prevResult whose VLAN id (the dummy entry's mac) is out of range is code 7", async () => {
    const w = newWorld();
    const prevResult = await addThen(w, "1.0.0");
    (prevResult.interfaces as { mac?: string }[])[2]!.mac = "5000";
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0", { prevResult }) });
    expect(out.json).toMatchObject({ code: 7, msg: "could not parse prevResult", details: expect.stringMatching(/VLAN id/) });
    expect(w.dataplane.ops()).toEqual(["setup"]);
  });

  it("a hostile IPv4Addr in ipamd's DelNetwork reply is refused before any teardown", async () => {
    const w = newWorld();
    await addThen(w, "1.0.0");
    w.ipamd.delNetwork = async () => ({ Success: true, IPAllocationMetadata: [{ IPv4Addr: "10.9.9.8\nlink add evil0 type veth", IPv6Addr: "", DeviceNumber: 0, RouteTableId: 0 }], PodVlanId: 0, NetworkPolicyMode: "" });
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 999, msg: "del cmd: ipamd's reply is invalid" });
    expect(w.dataplane.ops()).toEqual(["setup"]);
  });

  it("unreachable daemon and no prevResult: succeeds without touching anything, as aws-cni does", async () => {
    const w = newWorld();
    w.ipamd.down = FakeIpamd.unreachable();
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0") });
    expect(out.code).toBe(0);
    expect(w.dataplane.calls).toEqual([]);
    expect(w.logs.join("")).toContain("could not tear down pod using prevResult");
  });

  it("Success=false from ipamd is an error with the real message", async () => {
    const w = newWorld();
    await addThen(w, "1.0.0");
    w.ipamd.delNetwork = async () => ({ Success: false, IPAllocationMetadata: [], PodVlanId: 0, NetworkPolicyMode: "" });
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0") });
    expect(out.code).toBe(1);
    expect(out.json).toMatchObject({ code: 999, msg: "del cmd: failed to process delete request" });
  });

  it("a failing teardown is reported, naming the pod", async () => {
    const w = newWorld();
    await addThen(w, "1.0.0");
    w.dataplane.failNext("teardown", new CniError(5, "ip: RTNETLINK answers: Operation not permitted"));
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 999, msg: "del cmd: failed on tear down pod network" });
    expect(String(out.json?.details)).toContain("pod default/web-1");
  });
});
