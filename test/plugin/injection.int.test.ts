// Hostile values at every boundary of the BUILT plugin, as root with the real iproute2 dataplane
// (issue #10, item 1): a malicious ipamd reply, a prevResult, CNI_NETNS and CNI_IFNAME that try to
// smuggle lines or tokens into `ip -batch`. Each must give exactly one CNI error document, a
// non-zero exit, and leave the host (links, rules, routes in every table, named netns, files) and
// the pod's netns exactly as they were.
import { execa } from "execa";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeIf, needRoot } from "../helpers/prereq.js";
import { dummyIfName } from "../../plugin/verbs/naming.js";
import { createNetns, createTrunk, deleteLinkIfPresent, type TestNetns, type TestTrunk } from "../helpers/netns.js";
import { okAdd, REPO, startTestServer, type TestServer } from "./client/test-server.js";
import { hostSnapshot } from "./host-snapshot.js";

const BIN = join(REPO, "dist", "bin", "mock-vpc-cni");
const EVIL = ["evil0", "evil1", "evilN", "evilP", "rq", "e"];
const POD = { ns: "default", name: "inj-pod" };

describeIf(needRoot(), "hostile values never reach ip -batch (root, real dataplane)", () => {
  let server: TestServer;
  let tmp: string;
  let watch: string;
  let evilNetns: string;
  let trunk: TestTrunk;
  const spaces: TestNetns[] = [];

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run npm run build first`);
    server = await startTestServer();
    tmp = mkdtempSync(join(tmpdir(), "inj-"));
    watch = join(tmp, "watch");
    mkdirSync(watch);
    evilNetns = `inj${process.pid % 100000}`;
    trunk = createTrunk(`injtr${process.pid % 10000}`, "0a:58:0a:d4:00:01");
  });

  afterEach(() => {
    while (spaces.length > 0) spaces.pop()?.remove();
    for (const l of EVIL) deleteLinkIfPresent(l);
    execFileSync("ip", ["route", "flush", "table", "199"], { stdio: "ignore" });
    try {
      execFileSync("ip", ["netns", "del", evilNetns], { stdio: "ignore" });
    } catch {
      // not created: the test held
    }
  });

  afterAll(async () => {
    trunk?.remove();
    await server?.stop();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  const netns = (): TestNetns => {
    const ns = createNetns("inj");
    spaces.push(ns);
    return ns;
  };

  function conf(extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
      cniVersion: "1.0.0", name: "inj-net", type: "mock-vpc-cni", ipamdAddress: server.address, ipamdTimeout: "5s",
      stateDir: join(tmp, "state"), mtu: "1500", ...extra,
    });
  }

  async function run(command: string, stdin: string, env: Record<string, string>): Promise<{ code: number; docs: unknown[]; stdout: string }> {
    const r = await execa(BIN, [], {
      env: {
        CNI_COMMAND: command, CNI_CONTAINERID: `inj${process.pid}`, CNI_IFNAME: "eth0",
        CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${POD.ns};K8S_POD_NAME=${POD.name}`, PATH: "/usr/sbin:/sbin:/usr/bin:/bin", ...env,
      },
      extendEnv: false, input: stdin, reject: false, timeout: 30_000,
    });
    const stdout = String(r.stdout);
    const docs = stdout.trim() === "" ? [] : stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    return { code: r.exitCode ?? -1, docs, stdout };
  }

  /** The pod netns' links (names and kinds) as text. */
  const podLinks = (ns: TestNetns): string => JSON.stringify(ns.ipJson(["link", "show"]).map((l) => l.ifname).sort());

  async function expectRefusedAndUnchanged(command: string, stdin: string, env: Record<string, string>, ns?: TestNetns): Promise<void> {
    const before = hostSnapshot(watch);
    const podBefore = ns === undefined ? "" : podLinks(ns);
    const r = await run(command, stdin, env);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.docs, r.stdout).toHaveLength(1);
    expect(r.docs[0]).toMatchObject({ code: expect.any(Number), msg: expect.any(String) });
    expect(hostSnapshot(watch)).toEqual(before);
    if (ns !== undefined) expect(podLinks(ns)).toEqual(podBefore);
    expect(existsSync(`/run/netns/${evilNetns}`)).toBe(false);
    for (const l of EVIL) expect(existsSync(`/sys/class/net/${l}`), `link ${l}`).toBe(false);
  }

  it("ADD: an IPv4Addr with a newline and `netns exec` in ipamd's reply runs nothing, and the lease is released", async () => {
    const ns = netns();
    const marker = join(watch, "pwned");
    server.onAdd = () => okAdd(`10.255.255.254/32 dev lo table 199\nnetns add ${evilNetns}\nnetns exec ${evilNetns} /bin/sh -c id>${marker}\n#`);
    server.onDel = () => ({ Success: true });
    const dels = server.dels.length;
    await expectRefusedAndUnchanged("ADD", conf(), { CNI_NETNS: ns.path }, ns);
    expect(existsSync(marker)).toBe(false);
    expect(server.dels.slice(dels).map((d) => d.Reason)).toEqual(["SetupNSFailed"]);
  });

  it.each([
    // Each line up to the injected one is valid, so iproute2 would run the `link add`.
    ["PodENISubnetGW", { PodENISubnetGW: `10.0.0.1 dev lo table 199\nlink add evil0 type veth peer name evil1\n#` }],
    ["PodENIMAC", { PodENIMAC: `0a:58:0a:d4:08:05 type veth peer name evil0\n#` }],
    ["PodVlanId out of range", { PodVlanId: 5000 }],
  ])("ADD: a branch reply with a hostile %s is refused before anything runs", async (_n, evil) => {
    const ns = netns();
    server.onAdd = () => ({
      ...okAdd("10.212.8.9"), PodVlanId: 5, PodENIMAC: "0a:58:0a:d4:08:05", PodENISubnetGW: "10.212.8.1", ParentIfIndex: trunk.ifindex, ...evil,
    });
    server.onDel = () => ({ Success: true });
    await expectRefusedAndUnchanged("ADD", conf(), { CNI_NETNS: ns.path }, ns);
  });

  it("DEL: an IPv4Addr with a newline in ipamd's DelNetwork reply runs nothing", async () => {
    const ns = netns();
    server.onDel = () => ({ Success: true, IPAllocationMetadata: [{ IPv4Addr: "10.9.9.8\nlink add evil0 type veth peer name evil1\n#", IPv6Addr: "", DeviceNumber: 0, RouteTableId: 1 }] });
    await expectRefusedAndUnchanged("DEL", conf(), { CNI_NETNS: ns.path }, ns);
  });

  /** A prevResult as our ADD writes it, with `address` in the container interface's ips entry. */
  function prevResult(ns: TestNetns, address: string): Record<string, unknown> {
    return {
      cniVersion: "1.0.0",
      interfaces: [{ name: "eni0123456789a", mac: "02:00:00:00:00:01" }, { name: "eth0", mac: "02:00:00:00:00:02", sandbox: ns.path }, { name: dummyIfName(POD.ns, POD.name), mac: "0", sandbox: "0", socketPath: "1" }],
      ips: [{ interface: 1, address }],
      routes: [{ dst: "0.0.0.0/0", gw: "169.254.1.1" }],
    };
  }

  it("DEL: a prevResult address with a newline and `link add` (ipamd down) creates nothing", async () => {
    const ns = netns();
    server.onDel = () => ({ error: { code: 14, details: "connection refused" } });
    await expectRefusedAndUnchanged("DEL", conf({ prevResult: prevResult(ns, "10.9.9.9\nlink add evil0 type veth peer name evil1\n#/32") }), { CNI_NETNS: ns.path }, ns);
  });

  it("DEL: a prevResult address without a newline cannot delete a host rule the plugin never made", async () => {
    const ns = netns();
    execFileSync("ip", ["rule", "add", "from", "198.18.77.1", "lookup", "777", "prio", "7777"]);
    try {
      server.onDel = () => ({ error: { code: 14, details: "connection refused" } });
      await expectRefusedAndUnchanged("DEL", conf({ prevResult: prevResult(ns, "198.18.77.1 lookup 777 prio 7777 #/32") }), { CNI_NETNS: ns.path }, ns);
      expect(execFileSync("ip", ["rule", "show"], { encoding: "utf8" })).toContain("from 198.18.77.1 lookup 777");
    } finally {
      execFileSync("ip", ["rule", "del", "from", "198.18.77.1", "lookup", "777", "prio", "7777"]);
    }
  });

  it("ADD: a CNI_NETNS path with a newline (a real netns bind-mounted there) adds nothing to the host", async () => {
    const ns = netns();
    // Both the path up to the newline (the test's netns) and the whole path are network namespaces.
    const evilPath = `${ns.path}\nlink add evilN type veth peer name evilP`;
    writeFileSync(evilPath, "");
    execFileSync("mount", ["--bind", ns.path, evilPath]);
    try {
      server.onAdd = () => okAdd("10.212.9.9");
      server.onDel = () => ({ Success: true });
      await expectRefusedAndUnchanged("ADD", conf(), { CNI_NETNS: evilPath }, ns);
    } finally {
      execFileSync("umount", [evilPath]);
      rmSync(evilPath);
    }
  });

  it.each([
    ["quotes", "'rq'"],
    ["a trailing backslash", "eth0\\"],
    ["a #", "e#th0"],
  ])("ADD: a CNI_IFNAME with %s is refused before anything runs", async (_n, ifName) => {
    const ns = netns();
    server.onAdd = () => okAdd("10.212.9.10");
    server.onDel = () => ({ Success: true });
    const adds = server.adds.length;
    await expectRefusedAndUnchanged("ADD", conf(), { CNI_NETNS: ns.path, CNI_IFNAME: ifName }, ns);
    expect(server.adds.length).toBe(adds);
  });
});
