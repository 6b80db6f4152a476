// The built mock-vpc-cni, copied outside the repo, driven by the real libcni (Go) through a conflist
// chaining Debian's tuning and portmap, into real network namespaces (root): ordinary pod, port
// mapping, branch pod on a trunk link, a failed dataplane; DEL must leave nothing behind.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { buildLibcniClient, canBuildLibcniClient, DEBIAN_CNI_DIR, REPO_ROOT, runLibcni, writeConflist, type LibcniCall } from "../helpers/libcni.js";
import { createNetns, createTrunk, hostJson, hostLeftovers, hostLinkExists, type TestNetns, type TestTrunk } from "../helpers/netns.js";
import { startDaemon, type StartedDaemon } from "../helpers/daemon.js";
import { startStubIpamd, type StubIpamd } from "../helpers/stub-ipamd.js";
import { describeIf, missingOf, needRoot } from "../helpers/prereq.js";

const BINARY = join(REPO_ROOT, "dist", "bin", "mock-vpc-cni");
// The plugin must not need Node: PATH keeps iproute2/iptables (/usr/sbin) and drops /usr/bin, /bin.
const NO_NODE_ENV = { PATH: "/usr/sbin:/sbin", LC_ALL: "C" };
const VLAN_MAC = "0a:58:0a:d4:08:05";

type Iface = { name?: string; mac?: string; sandbox?: string };

describeIf(missingOf(needRoot(), !canBuildLibcniClient() && "Go and Debian's libcni (golang-go, golang-github-appc-cni-dev)"), "mock-vpc-cni via libcni in real netns (needs root: network namespaces; Go + Debian libcni)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "netns-int-"));
  const binDir = join(tmp, "bin");
  const logFile = join(tmp, "plugin.log");
  let stub: StubIpamd;
  let trunk: TestTrunk;
  let conf: ReturnType<typeof writeConflist>;
  let branchIp = "";
  const spaces: TestNetns[] = [];

  beforeAll(async () => {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} missing: run npm run build first`);
    execFileSync("mkdir", ["-p", binDir]);
    copyFileSync(BINARY, join(binDir, "mock-vpc-cni"));
    buildLibcniClient();
    trunk = createTrunk(`h2tr${process.pid % 10000}`, "0a:58:0a:d4:00:01");
    stub = await startStubIpamd({
      // Pods named branch-* get a branch ENI on the trunk, as ipamd answers once the annotation is there.
      onAdd: (req, n) => {
        if (!req.K8S_POD_NAME.startsWith("branch-")) return {};
        branchIp = `10.212.8.${n + 10}`;
        return {
          IPAllocationMetadata: [{ IPv4Addr: branchIp, IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 }],
          PodVlanId: 5, PodENIMAC: VLAN_MAC, PodENISubnetGW: "10.212.8.1", ParentIfIndex: trunk.ifindex,
        };
      },
    });
    conf = writeConflist({
      cniVersion: "1.0.0",
      name: "h2-netns",
      plugins: [
        { type: "mock-vpc-cni", ipamdAddress: stub.address, mtu: "1500", pluginLogFile: logFile, pluginLogLevel: "debug", podSGEnforcingMode: "strict" },
        { type: "tuning", sysctl: { "net.ipv4.conf.eth0.arp_notify": "1" } },
        { type: "portmap", capabilities: { portMappings: true }, snat: true },
      ],
    });
  });

  afterEach(() => {
    while (spaces.length > 0) spaces.pop()?.remove();
  });

  afterAll(async () => {
    await stub?.stop();
    trunk?.remove();
    conf?.remove();
    rmSync(tmp, { recursive: true, force: true });
  });

  const call = (cmd: LibcniCall["cmd"], ns: TestNetns, pod: string, extra: Partial<LibcniCall> = {}): ReturnType<typeof runLibcni> =>
    runLibcni({
      cmd, conflist: conf.file, containerId: `h2${pod}${process.pid}`, netns: ns.path, cacheDir: conf.cacheDir,
      path: [binDir, DEBIAN_CNI_DIR], env: NO_NODE_ENV,
      args: { IgnoreUnknown: "1", K8S_POD_NAMESPACE: "default", K8S_POD_NAME: pod, K8S_POD_INFRA_CONTAINER_ID: `h2${pod}` },
      ...extra,
    });
  const netns = (): TestNetns => {
    const ns = createNetns("h2lc");
    spaces.push(ns);
    return ns;
  };

  it("the copied binary answers VERSION with no Node on PATH", () => {
    const r = spawnSync(join(binDir, "mock-vpc-cni"), [], { env: { CNI_COMMAND: "VERSION", PATH: "/nonexistent" }, encoding: "utf8", input: "" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ supportedVersions: expect.arrayContaining(["0.4.0", "1.0.0"]) });
  });

  it("ordinary pod: ADD, CHECK (no port mappings: Debian portmap 1.1.1 cannot CHECK them here), DEL leaves nothing", async () => {
    const ns = netns();
    const add = await call("add", ns, "pod-a");
    expect(add).toMatchObject({ ok: true });
    const result = (add.ok ? add.result : {}) as { interfaces: Iface[]; ips: { address: string; interface: number }[] };
    const [hostVeth, eth0] = result.interfaces;
    const ip = result.ips[0]?.address.split("/")[0] ?? "";
    expect(result.ips[0]).toMatchObject({ address: `${ip}/32`, interface: 1 });
    expect(eth0).toMatchObject({ name: "eth0", sandbox: ns.path });
    const addr = ns.ipJson(["addr", "show", "dev", "eth0"])[0];
    expect(addr).toMatchObject({ mtu: 1500, address: eth0?.mac });
    expect(JSON.stringify(addr?.addr_info)).toContain(`"local":"${ip}","prefixlen":32`);
    expect(ns.ipJson(["route", "show"])).toEqual(expect.arrayContaining([
      expect.objectContaining({ dst: "default", gateway: "169.254.1.1", dev: "eth0" }),
      expect.objectContaining({ dst: "169.254.1.1", dev: "eth0", scope: "link" }),
    ]));
    expect(ns.ipJson(["neigh", "show", "dev", "eth0"])).toEqual([expect.objectContaining({ dst: "169.254.1.1", lladdr: hostVeth?.mac, state: ["PERMANENT"] })]);
    // tuning ran after us, inside the same netns.
    expect(execFileSync("nsenter", [`--net=${ns.path}`, "cat", "/proc/sys/net/ipv4/conf/eth0/arp_notify"], { encoding: "utf8" }).trim()).toBe("1");
    expect(hostJson(["route", "show", `${ip}/32`])).toEqual([expect.objectContaining({ dev: hostVeth?.name })]);
    expect(hostJson(["rule", "show"]).filter((r) => r.dst === ip).map((r) => r.priority)).toEqual([512]);

    expect(await call("check", ns, "pod-a")).toMatchObject({ ok: true });
    expect(await call("del", ns, "pod-a")).toMatchObject({ ok: true });
    expect(hostLeftovers([ip, hostVeth?.name ?? "?"])).toEqual([]);
    expect(ns.ipJson(["link", "show"]).map((l) => l.ifname)).toEqual(["lo"]);
    expect(stub.dels.at(-1)).toMatchObject({ K8S_POD_NAME: "pod-a" });
    expect(await call("del", ns, "pod-a")).toMatchObject({ ok: true }); // repeated DEL succeeds
  });

  it("port mapping through the chained portmap is set up on ADD and removed on DEL", async () => {
    const ns = netns();
    const portMappings = [{ hostPort: 18480, containerPort: 80, protocol: "tcp" }];
    expect(await call("add", ns, "pod-p", { capabilityArgs: { portMappings } })).toMatchObject({ ok: true });
    const nat = (): string => execFileSync("iptables", ["-w", "-t", "nat", "-S"], { encoding: "utf8" });
    expect(nat()).toContain("--dport 18480");
    expect(await call("del", ns, "pod-p", { capabilityArgs: { portMappings } })).toMatchObject({ ok: true });
    expect(nat()).not.toContain("--dport 18480");
  });

  it("branch pod (strict) on the trunk: VLAN link with the ENI MAC, table 105, iif rules; DEL cleans up", async () => {
    const ns = netns();
    const add = await call("add", ns, "branch-b");
    expect(add).toMatchObject({ ok: true });
    const hostVeth = ((add.ok ? add.result : {}) as { interfaces: Iface[] }).interfaces[0]?.name ?? "";
    expect(hostVeth).toMatch(/^vlan[0-9a-f]{11}$/);
    const link = hostJson(["-d", "link", "show", "vlan.eth.5"])[0] as { address?: string; link?: string; linkinfo?: { info_kind?: string } };
    expect(link).toMatchObject({ address: VLAN_MAC, link: trunk.name });
    // This kernel has no 802.1Q (docs/REFERENCE.md §6): the macvlan fallback, and the log says so.
    if (link.linkinfo?.info_kind === "macvlan") expect(readFileSync(logFile, "utf8")).toMatch(/no 802\.1Q/);
    expect(hostJson(["route", "show", "table", "105"]).map((r) => r.dst).sort()).toEqual(["10.212.8.1", branchIp, "default"].sort());
    const rules = hostJson(["rule", "show"]).filter((r) => r.priority === 10 && r.table === "105");
    expect(rules.map((r) => r.iif).sort()).toEqual([hostVeth, "vlan.eth.5"].sort());
    expect(await call("check", ns, "branch-b")).toMatchObject({ ok: true });
    expect(await call("del", ns, "branch-b")).toMatchObject({ ok: true });
    expect(hostLeftovers(["vlan.eth.5", hostVeth, branchIp, "lookup 105"])).toEqual([]);
  });

  it("a failed dataplane (eth0 already in the netns) leaves nothing behind and releases the IP", async () => {
    const ns = netns();
    execFileSync("nsenter", [`--net=${ns.path}`, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"]);
    const before = stub.adds.length;
    const add = await call("add", ns, "pod-f");
    expect(add).toMatchObject({ ok: false, error: expect.stringMatching(/failed to setup network/) });
    const ip = `10.212.0.${before + 2}`;
    expect(stub.dels.at(-1)).toMatchObject({ Reason: "SetupNSFailed", K8S_POD_NAME: "pod-f" });
    expect(hostLeftovers([`${ip} `, `${ip}/`])).toEqual([]);
    expect(hostLinkExists("vlan.eth.5")).toBe(false);
    expect(ns.ipJson(["link", "show"]).map((l) => l.ifname).sort()).toEqual(["eth0", "eth0p", "lo"]);
  });
});

// The real fail-then-retry path: mock-ipamd with host links (its trunk link is ParentIfIndex) and a
// SecurityGroupPolicy namespace. The first ADD fails as on EKS, the runtime DELs, a new sandbox
// retries until the branch ENI is provisioned; DEL then leaves nothing of ours behind.
describeIf(missingOf(needRoot(), !canBuildLibcniClient() && "Go and Debian's libcni (golang-go, golang-github-appc-cni-dev)"), "mock-vpc-cni via libcni with mock-ipamd, branch pod retry (needs root: network namespaces, host links)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "netns-daemon-"));
  const binDir = join(tmp, "bin");
  let daemon: StartedDaemon;
  let conf: ReturnType<typeof writeConflist>;
  const spaces: TestNetns[] = [];

  beforeAll(async () => {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} missing: run npm run build first`);
    execFileSync("mkdir", ["-p", binDir]);
    copyFileSync(BINARY, join(binDir, "mock-vpc-cni"));
    buildLibcniClient();
    daemon = await startDaemon({ hostLinks: "on", args: ["--sgp-namespace", "sgp", "--provisioning-delay", "300ms", "--ip-cooldown", "0s"] });
    conf = writeConflist({
      cniVersion: "0.4.0",
      name: "h2-daemon",
      plugins: [{ type: "mock-vpc-cni", ipamdAddress: daemon.address, mtu: "9001", pluginLogFile: join(tmp, "plugin.log") }],
    });
  });

  afterAll(async () => {
    while (spaces.length > 0) spaces.pop()?.remove();
    await daemon?.stop();
    conf?.remove();
    rmSync(tmp, { recursive: true, force: true });
  });

  const call = (cmd: LibcniCall["cmd"], ns: TestNetns, id: string): ReturnType<typeof runLibcni> =>
    runLibcni({
      cmd, conflist: conf.file, containerId: id, netns: ns.path, cacheDir: conf.cacheDir, path: [binDir, DEBIAN_CNI_DIR], env: NO_NODE_ENV,
      args: { IgnoreUnknown: "1", K8S_POD_NAMESPACE: "sgp", K8S_POD_NAME: "web-0", K8S_POD_INFRA_CONTAINER_ID: id },
    });

  it("first ADD fails like EKS, a retry gets the branch ENI on the daemon's trunk link, DEL cleans up", async () => {
    let attempt = 0;
    let ok: Awaited<ReturnType<typeof runLibcni>> | undefined;
    let ns: TestNetns | undefined;
    let id = "";
    const failures: string[] = [];
    while (ok === undefined && attempt < 40) {
      ns = createNetns("h2rt");
      spaces.push(ns);
      id = `h2retry${process.pid}x${attempt++}`;
      const r = await call("add", ns, id);
      if (r.ok) ok = r;
      else {
        failures.push(r.error);
        expect((await call("del", ns, id)).ok).toBe(true); // what containerd does after a failed ADD
        ns.remove();
        await new Promise((res) => setTimeout(res, 250));
      }
    }
    expect(failures[0]).toMatch(/add cmd: failed to assign an IP address to container/);
    expect(ok).toBeDefined();
    const result = (ok?.ok ? ok.result : {}) as { interfaces: Iface[]; ips: { address: string }[] };
    const vlanMac = result.interfaces.at(-1)?.mac ?? "";
    const vlanId = Number(vlanMac.split(":").pop() ?? "0");
    expect(vlanId).toBeGreaterThan(0);
    const link = hostJson(["-d", "link", "show", `vlan.eth.${vlanId}`])[0] as { link?: string; address?: string };
    const trunkName = link.link ?? "";
    expect(Number(readFileSync(`/sys/class/net/${trunkName}/ifindex`, "utf8"))).toBeGreaterThan(0);
    const ip = result.ips[0]?.address.split("/")[0] ?? "";
    const hostVeth = result.interfaces[0]?.name ?? "";
    expect(hostVeth).toMatch(/^vlan/);
    expect(await call("del", ns as TestNetns, id)).toMatchObject({ ok: true });
    expect(hostLeftovers([`vlan.eth.${vlanId}`, hostVeth, `${ip} `, `lookup ${vlanId + 100}`])).toEqual([]);
  });
});
