// CHECK, GC and STATUS semantics (spec 0.4.0 / 1.1.0 rules, docs/REFERENCE.md §7).
import { describe, expect, it } from "vitest";
import { FakeIpamd, invoke, netconf, newWorld } from "./fakes.js";

describe("CHECK", () => {
  it("fails with code 7 without prevResult", async () => {
    const w = newWorld();
    const out = await invoke(w, { command: "CHECK", conf: netconf("1.0.0") });
    expect(out.json).toMatchObject({ code: 7, msg: "check cmd: required prevResult missing" });
    expect(w.dataplane.calls).toEqual([]);
  });

  it("reports a pod network that is gone", async () => {
    const w = newWorld();
    const add = await invoke(w, { command: "ADD", conf: netconf("1.0.0") });
    w.dataplane.pods.clear();
    const out = await invoke(w, { command: "CHECK", conf: netconf("1.0.0", { prevResult: add.json }) });
    expect(out.code).toBe(1);
    expect(String(out.json?.msg)).toContain("not found");
  });

  it("reports a prevResult without our attachment", async () => {
    const w = newWorld();
    const prevResult = { cniVersion: "1.0.0", interfaces: [{ name: "eth0", sandbox: "/var/run/netns/pod1" }], ips: [{ interface: 0, address: "10.9.9.9/32" }] };
    const out = await invoke(w, { command: "CHECK", conf: netconf("1.0.0", { prevResult }) });
    expect(out.json).toMatchObject({ code: 999, msg: "check cmd: prevResult has no attachment of this plugin on eth0" });
  });
});

describe("GC", () => {
  it("releases recorded attachments not in cni.dev/valid-attachments, keeps the valid ones", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.1.0") });
    await invoke(w, { command: "ADD", conf: netconf("1.1.0"), env: { CNI_CONTAINERID: "b2", CNI_NETNS: "/var/run/netns/pod2", CNI_ARGS: "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-2" } });
    const out = await invoke(w, {
      command: "GC",
      conf: netconf("1.1.0", { "cni.dev/valid-attachments": [{ containerID: "b2", ifname: "eth0" }] }),
      env: { CNI_CONTAINERID: undefined, CNI_IFNAME: undefined, CNI_NETNS: undefined },
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("");
    expect(w.ipamd.delCalls).toMatchObject([{ ContainerID: "c0ffee", Reason: "GarbageCollected" }]);
    expect([...w.ipamd.leases.keys()]).toEqual(["aws-cni/b2/eth0"]);
    expect((await w.store.list("aws-cni")).map((r) => r.containerId)).toEqual(["b2"]);
  });

  it("accepts the older cni.dev/attachments key", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.1.0") });
    const out = await invoke(w, { command: "GC", conf: netconf("1.1.0", { "cni.dev/attachments": [] }) });
    expect(out.code).toBe(0);
    expect(w.ipamd.leases.size).toBe(0);
  });

  it("releases nothing when no attachment list is given", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.1.0") });
    const out = await invoke(w, { command: "GC", conf: netconf("1.1.0") });
    expect(out.code).toBe(0);
    expect(w.ipamd.leases.size).toBe(1);
  });

  it("keeps going after a partial error and reports it", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf("1.1.0") });
    await invoke(w, { command: "ADD", conf: netconf("1.1.0"), env: { CNI_CONTAINERID: "b2", CNI_NETNS: "/var/run/netns/pod2", CNI_ARGS: "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-2" } });
    w.dataplane.failNext("teardown", new Error("boom"));
    const out = await invoke(w, { command: "GC", conf: netconf("1.1.0", { "cni.dev/valid-attachments": [] }) });
    expect(out.json).toMatchObject({ code: 999, msg: "gc: failed to release 1 of 2 attachments" });
    expect(w.ipamd.leases.size).toBe(1);
    expect(await w.store.list("aws-cni")).toHaveLength(1);
  });
});

describe("STATUS", () => {
  it("exits 0 when ipamd is serving, asking for aws-node's health service", async () => {
    const w = newWorld();
    const out = await invoke(w, { command: "STATUS", conf: netconf("1.1.0"), env: { CNI_CONTAINERID: undefined, CNI_IFNAME: undefined } });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("");
    expect(w.ipamd.healthCalls).toEqual(["grpc.health.v1.aws-node"]);
  });

  it("code 50 when ipamd is unreachable, with the address", async () => {
    const w = newWorld();
    w.ipamd.down = FakeIpamd.unreachable();
    const out = await invoke(w, { command: "STATUS", conf: netconf("1.1.0") });
    expect(out.code).toBe(1);
    expect(out.json).toMatchObject({ code: 50, msg: "plugin not available: ipamd is unreachable" });
    expect(String(out.json?.details)).toContain(w.ipamd.address);
  });

  it("code 50 when ipamd is not serving", async () => {
    const w = newWorld();
    w.ipamd.serving = false;
    const out = await invoke(w, { command: "STATUS", conf: netconf("1.1.0") });
    expect(out.json).toMatchObject({ code: 50, msg: "plugin not available: ipamd is not serving" });
  });
});
