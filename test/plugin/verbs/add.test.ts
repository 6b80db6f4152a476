// ADD semantics: the request sent to ipamd, branch pods, ipamd refusals and outages, dataplane
// failures releasing the IP, chaining with a prevResult.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CniError } from "../../../plugin/cni/errors.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import { addReply, FakeIpamd, invoke, netconf, newWorld } from "./fakes.js";

const HASH = createHash("sha1").update("default.web-1").digest("hex").slice(0, 11);

describe("ADD", () => {
  it("sends the pod's identity to ipamd, without the pod UID", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(w.ipamd.addCalls).toEqual([
      {
        K8S_POD_NAME: "web-1",
        K8S_POD_NAMESPACE: "default",
        K8S_POD_INFRA_CONTAINER_ID: "c0ffee",
        Netns: "/var/run/netns/pod1",
        IfName: "eth0",
        NetworkName: "aws-cni",
        ContainerID: "c0ffee",
        ClientVersion: CLIENT_VERSION,
        RequiresMultiNICAttachment: false,
      },
    ]);
  });

  it("gives the dataplane an ordinary pod spec (host veth eni+sha1, /32, main table on device 0)", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.0.0", { mtu: "1500" }) });
    const call = w.dataplane.calls[0];
    expect(call?.op).toBe("setup");
    expect(call?.spec).toMatchObject({ hostVethName: `eni${HASH}`, ipv4: "10.0.0.10", mtu: 1500, routeTable: 254, ifName: "eth0" });
    expect(call?.spec).not.toHaveProperty("branch");
  });

  it("uses table device+1 for a secondary ENI and records it in the result", async () => {
    const w = newWorld();
    w.ipamd.deviceNumber = 2;
    const out = await invoke(w, { command: "ADD", conf: netconf("1.1.0") });
    expect(w.dataplane.calls[0]?.spec).toMatchObject({ routeTable: 3 });
    const ifs = (out.json as { interfaces: Record<string, unknown>[] }).interfaces;
    expect(ifs[1]?.pciID).toBe("3");
    expect(ifs[2]).toEqual({ name: `dummy${HASH}`, mac: "0", sandbox: "2", socketPath: "1" });
  });

  it("sets up a strict-mode branch pod: vlan prefix, VLAN id in the dummy entry, subnet gateway", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", { vlanId: 2, mac: "06:74:5b:7b:54:3a", gateway: "10.105.49.129", parentIfIndex: 7 });
    const out = await invoke(w, { command: "ADD", conf: netconf("0.4.0") });
    expect(out.code).toBe(0);
    expect(w.dataplane.calls[0]?.spec).toMatchObject({
      hostVethName: `vlan${HASH}`,
      ipv4: "10.1.2.3",
      branch: { vlanId: 2, eniMac: "06:74:5b:7b:54:3a", subnetGateway: "10.105.49.129", parentIfIndex: 7, mode: "strict" },
    });
    const r = out.json as { interfaces: Record<string, unknown>[]; ips: Record<string, unknown>[] };
    expect(r.interfaces[2]).toEqual({ name: `dummy${HASH}`, mac: "2" });
    expect(r.ips[0]).toEqual({ version: "4", interface: 1, address: "10.1.2.3/32", gateway: "10.105.49.129" });
  });

  it("standard mode keeps vethPrefix for branch pods", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", { vlanId: 5, mac: "06:00:00:00:00:05", gateway: "10.0.9.1", parentIfIndex: 3 });
    await invoke(w, { command: "ADD", conf: netconf("1.0.0", { podSGEnforcingMode: "standard", vethPrefix: "abc" }) });
    expect(w.dataplane.calls[0]?.spec).toMatchObject({ hostVethName: `abc${HASH}`, branch: { mode: "standard" } });
  });

  it("Success=false: code 999, the real message, our explanation; nothing set up", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", "pending");
    const out = await invoke(w, { command: "ADD", conf: netconf("0.4.0") });
    expect(out.code).toBe(1);
    expect(out.json?.msg).toBe("add cmd: failed to assign an IP address to container");
    expect(out.json?.code).toBe(999);
    expect(String(out.json?.details)).toContain("pod default/web-1");
    // The daemon's own account (its trailers) is passed on, with kubelet's retry as the hint.
    expect(String(out.json?.details)).toContain("branch-eni-not-ready: provisioning for 0.4s");
    expect(String(out.json?.details)).toContain("kubelet retries");
    expect(String(out.json?.details)).toContain(w.ipamd.address);
    expect(w.dataplane.calls).toEqual([]);
  });

  it("Success=false without a reason from the daemon still explains the likely cause", async () => {
    const w = newWorld();
    w.ipamd.addNetwork = async () => addReply({ Success: false });
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 999, msg: "add cmd: failed to assign an IP address to container" });
    expect(String(out.json?.details)).toContain("ipamd gave no reason");
  });

  it("unreachable daemon: code 11 with the address in details", async () => {
    const w = newWorld();
    w.ipamd.down = FakeIpamd.unreachable();
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(out.code).toBe(1);
    expect(out.json?.code).toBe(11);
    expect(out.json?.msg).toBe("add cmd: Error received from AddNetwork gRPC call: rpc error: code = Unavailable desc = No connection established");
    expect(String(out.json?.details)).toContain("unix:///run/fake-ipamd/ipamd.sock");
    expect(w.dataplane.calls).toEqual([]);
  });

  it("a dataplane failure releases the IP with Reason SetupNSFailed and keeps the dataplane's error", async () => {
    const w = newWorld();
    w.dataplane.failNext("setup", new CniError(3, 'add command: network namespace "/x" does not exist'));
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(out.code).toBe(1);
    expect(out.json).toMatchObject({ code: 3, msg: 'add command: network namespace "/x" does not exist' });
    expect(w.ipamd.delCalls.map((c) => c.Reason)).toEqual(["SetupNSFailed"]);
    expect(w.ipamd.leases.size).toBe(0);
    expect(w.dataplane.pods.size).toBe(0);
    expect(await w.store.list("aws-cni")).toEqual([]);
  });

  it("an unexpected dataplane error becomes code 999 naming what was done", async () => {
    const w = newWorld();
    w.dataplane.failNext("setup", new Error("RTNETLINK answers: File exists"));
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 999, msg: "add command: failed to setup network: RTNETLINK answers: File exists" });
    expect(out.stdout).not.toContain("    at ");
  });

  it("fails when the interface already exists (spec 1.0.0)", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0"), env: { CNI_CONTAINERID: "other", CNI_ARGS: "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-2" } });
    expect(out.code).toBe(1);
    expect(String(out.json?.msg)).toContain("already exists");
  });

  it("chained: passes prevResult's entries on and shifts our interface indexes", async () => {
    const w = newWorld();
    const prevResult = {
      cniVersion: "1.0.0",
      interfaces: [{ name: "lo0", sandbox: "/var/run/netns/pod1" }],
      ips: [{ interface: 0, address: "192.168.0.2/24" }],
      dns: { nameservers: ["10.0.0.53"] },
    };
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0", { prevResult }) });
    const r = out.json as { interfaces: { name: string }[]; ips: { interface: number; address: string }[]; dns: unknown };
    expect(r.interfaces.map((i) => i.name)).toEqual(["lo0", `eni${HASH}`, "eth0", `dummy${HASH}`]);
    expect(r.ips).toEqual([
      { interface: 0, address: "192.168.0.2/24" },
      { interface: 2, address: "10.0.0.10/32" },
    ]);
    expect(r.dns).toEqual({ nameservers: ["10.0.0.53"] });
  });

  it.each([
    ["an IPv4Addr with a newline and netns exec", { IPAllocationMetadata: [{ IPv4Addr: "10.255.255.254/32 dev lo table 199\nnetns add x\n#", IPv6Addr: "", DeviceNumber: 0, RouteTableId: 0 }] }],
    ["a branch reply with a hostile gateway", { IPAllocationMetadata: [{ IPv4Addr: "10.1.2.3", IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 }], PodVlanId: 3, PodENIMAC: "06:00:00:00:00:03", PodENISubnetGW: "10.0.0.1\nlink add evil0 type veth", ParentIfIndex: 3 }],
  ])("ipamd's reply with %s: code 999 naming the field, the IP released, nothing set up or recorded", async (_n, reply) => {
    const w = newWorld();
    w.ipamd.addNetwork = async () => addReply({ Success: true, ...reply });
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 999, msg: "add cmd: ipamd's reply is invalid", details: expect.stringMatching(/ipamd's (IPv4Addr|PodENISubnetGW)/) });
    expect(w.ipamd.delCalls.map((c) => c.Reason)).toEqual(["SetupNSFailed"]);
    expect(w.dataplane.calls).toEqual([]);
    expect(await w.store.list("aws-cni")).toEqual([]);
  });

  it("an attachment record that cannot be written fails the ADD with code 5 and releases the IP before any setup", async () => {
    const w = newWorld();
    w.store.put = async () => {
      throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    };
    const out = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 5, msg: "add cmd: cannot record the attachment for GC", details: expect.stringMatching(/ENOSPC.*the IP was released/) });
    expect(w.ipamd.leases.size).toBe(0);
    expect(w.dataplane.calls).toEqual([]);
  });

  it("records the attachment for GC", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.1.0") });
    expect(await w.store.list("aws-cni")).toMatchObject([{ containerId: "c0ffee", ifName: "eth0", ipv4: "10.0.0.10", vlanId: 0 }]);
  });

  it("asks for a multi-NIC attachment when the pod annotation says so (runtimeConfig keys in any case)", async () => {
    const w = newWorld();
    const runtimeConfig = { "IO.Kubernetes.CRI.Pod-Annotations": { "k8s.amazonaws.com/nicConfig": "multi-nic-attachment" } };
    await invoke(w, { command: "ADD", conf: netconf("1.1.0", { runtimeConfig }) });
    expect(w.ipamd.addCalls[0]?.RequiresMultiNICAttachment).toBe(true);
  });
});
