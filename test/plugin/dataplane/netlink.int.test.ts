// The rtnetlink op runner (plugin/dataplane/netlink/) against `ip -batch`, in real network
// namespaces (root): the same plan carried out by each leaves the same kernel state, the same
// teardown leaves nothing, and failures name the same op with the same kind of message. Each
// run is a Bun process (bun:ffi) inside a fresh "host" netns, so the machine's own netns is
// never touched.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {afterAll, beforeAll, expect, it } from "vitest";
import { createNetns } from "../../helpers/netns.js";
import { describeIf, needRoot } from "../../helpers/prereq.js";

const require = createRequire(import.meta.url);
const BUN = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
const DRIVER = join(import.meta.dirname, "netlink-driver.ts");
type Mode = "ip" | "netlink";
const MODES: readonly Mode[] = ["ip", "netlink"];

const ip = (args: string[]): string => execFileSync("ip", args, { encoding: "utf8" });
const json = (ns: string, args: string[]): Record<string, unknown>[] => JSON.parse(ip(["-n", ns, "-j", ...args]) || "[]") as Record<string, unknown>[];

/** One dataplane call through the driver, run inside `host`. */
function drive(mode: Mode, host: string, req: Record<string, unknown>): { ok: boolean; result?: unknown; error?: { msg?: string; details?: string } } {
  const out = execFileSync("ip", ["netns", "exec", host, BUN, DRIVER, mode], { input: JSON.stringify(req), encoding: "utf8" });
  return JSON.parse(out) as { ok: boolean; result?: unknown };
}

const VOLATILE = new Set(["ifindex", "link_index", "link_netnsid", "stats", "stats64", "addr_info_valid", "txqlen", "num_tx_queues", "num_rx_queues", "gso_max_size", "gso_max_segs", "gro_max_size", "tso_max_size", "tso_max_segs", "gso_ipv4_max_size", "gro_ipv4_max_size", "min_mtu", "max_mtu", "inet6_addr_gen_mode", "ifalias", "parentbus", "parentdev", "altnames", "preferred_life_time", "valid_life_time"]);

/** `ip -j -d` output without ifindexes, netns ids and counters (which differ between two runs). */
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, stable(x)]));
}

function snapshot(host: string, pod: string): unknown {
  const linkSort = (a: unknown[]): unknown[] => [...a].sort((x, y) => String((x as { ifname: string }).ifname).localeCompare(String((y as { ifname: string }).ifname)));
  return stable({
    hostLinks: linkSort(json(host, ["-d", "link", "show"]).map((l) => ({ ...l, operstate: undefined }))),
    hostAddrs: json(host, ["addr", "show"]).map((a) => a.addr_info),
    hostRoutes: json(host, ["route", "show", "table", "all"]),
    hostRules: json(host, ["rule", "show"]),
    hostNeigh: json(host, ["neigh", "show", "nud", "permanent"]),
    podLinks: linkSort(json(pod, ["-d", "link", "show"]).map((l) => ({ ...l, operstate: undefined }))),
    podAddrs: json(pod, ["addr", "show"]).map((a) => a.addr_info),
    podRoutes: json(pod, ["route", "show", "table", "all"]),
    podNeigh: json(pod, ["neigh", "show"]),
  });
}

describeIf(needRoot(), "netlink op runner vs ip -batch in real netns (needs root)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nlt-"));
  const made: string[] = [];
  const fresh = (): string => {
    const n = createNetns("nlt").name;
    made.push(n);
    return n;
  };
  beforeAll(() => {
    writeFileSync(join(dir, "not-a-netns"), "");
  });
  afterAll(() => {
    for (const n of made) execFileSync("ip", ["netns", "del", n], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  });

  /** A host netns with a trunk link (a veth, as in iproute2.int.test.ts) and a pod netns. */
  function world(): { host: string; pod: string; trunkIfIndex: number } {
    const host = fresh();
    const pod = fresh();
    ip(["-n", host, "link", "add", "trunk0", "address", "0a:58:00:00:00:01", "type", "veth", "peer", "name", "trunk0p", "address", "0a:58:00:00:00:02"]);
    ip(["-n", host, "link", "set", "trunk0", "up"]);
    ip(["-n", host, "link", "set", "lo", "up"]);
    const trunkIfIndex = json(host, ["link", "show", "trunk0"])[0]?.ifindex as number;
    return { host, pod, trunkIfIndex };
  }

  const base = (podNetns: string) => ({
    containerId: "nlt1",
    netns: `/run/netns/${podNetns}`,
    ifName: "eth0",
    podNamespace: "default",
    podName: "nlt",
    hostVethName: "eninlt0",
    mtu: 1500,
    ipv4: "10.212.0.5",
    routeTable: 3,
  });

  it.each([
    ["ordinary pod", (_trunk: number) => ({})],
    ["branch pod, strict", (trunk: number) => ({ branch: { vlanId: 7, eniMac: "0a:58:00:00:07:07", subnetGateway: "10.212.8.1", parentIfIndex: trunk, mode: "strict" } })],
    ["branch pod, standard", (trunk: number) => ({ branch: { vlanId: 7, eniMac: "0a:58:00:00:07:08", subnetGateway: "10.212.8.1", parentIfIndex: trunk, mode: "standard" } })],
  ])("%s: setup leaves the same kernel state, CHECK passes, teardown leaves nothing", (_name, extra) => {
    const seen: Record<string, unknown> = {};
    for (const mode of MODES) {
      const w = world();
      const before = snapshot(w.host, w.pod);
      const stateDir = join(dir, `${mode}-${w.pod}`);
      const spec = { ...base(w.pod), ...extra(w.trunkIfIndex) };
      const up = drive(mode, w.host, { action: "setup", stateDir, spec });
      expect(up, mode).toMatchObject({ ok: true });
      // The pod netns's name differs between the two worlds; everything else must not.
      seen[mode] = JSON.parse(JSON.stringify({ result: up.result, state: snapshot(w.host, w.pod) }).replaceAll(w.pod, "POD"));
      expect(drive(mode, w.host, { action: "check", stateDir, spec }), mode).toMatchObject({ ok: true });
      const branch = (spec as { branch?: { vlanId: number; mode: string } }).branch;
      const down = { containerId: spec.containerId, netns: spec.netns, ifName: "eth0", hostVethName: spec.hostVethName, ipv4: spec.ipv4, routeTable: 3, ...(branch ? { vlanId: branch.vlanId, mode: branch.mode } : {}) };
      expect(drive(mode, w.host, { action: "teardown", stateDir, spec: down }), mode).toMatchObject({ ok: true });
      expect(snapshot(w.host, w.pod), `${mode}: teardown leaves what was there before`).toEqual(before);
      // Again, and with the netns gone: still success ("already gone").
      expect(drive(mode, w.host, { action: "teardown", stateDir, spec: down })).toMatchObject({ ok: true });
      expect(drive(mode, w.host, { action: "teardown", stateDir, spec: { ...down, netns: "" } })).toMatchObject({ ok: true });
    }
    expect(seen.netlink).toEqual(seen.ip);
  });

  /** The failures of one op list, run by each runner in its own fresh world. */
  function failures(ops: (w: { pod: string }) => unknown[], opts: { force?: boolean; netns?: (w: { pod: string }) => string } = {}) {
    const out: Record<string, unknown> = {};
    for (const mode of MODES) {
      const w = world();
      const r = drive(mode, w.host, { action: "ops", stateDir: dir, ops: ops(w), force: opts.force === true, ...(opts.netns ? { netns: opts.netns(w) } : {}) });
      expect(r.ok, mode).toBe(true);
      out[mode] = r.result;
    }
    return out as Record<Mode, { exitCode: number; failures: { line: number; message: string }[] }>;
  }

  const route = (dev: string) => ({ kind: "route", verb: "add", dst: "10.212.1.1", via: undefined, dev, scopeLink: true, table: 254 });
  const rule = { kind: "rule", verb: "add", match: { to: "10.212.1.1" }, table: 254, prio: 512 };

  it("stops at the first failure without force, naming its op; carries on with force", () => {
    const stop = failures(() => [rule, route("nosuchdev"), rule]);
    for (const mode of MODES) {
      expect(stop[mode].exitCode, mode).not.toBe(0);
      expect(stop[mode].failures, mode).toEqual([{ line: 2, message: expect.stringMatching(/Cannot find device "nosuchdev"/) }]);
    }
    const force = failures(() => [rule, route("nosuchdev"), rule], { force: true });
    for (const mode of MODES) {
      expect(force[mode].failures.map((f) => f.line), mode).toEqual([2, 3]);
      expect(force[mode].failures[1]?.message, mode).toMatch(/File exists/);
    }
  });

  it("already-gone answers are the ones teardown tolerates", () => {
    const gone = failures(() => [{ kind: "rule", verb: "del", match: { to: "10.212.9.9" }, table: 254, prio: 512 }, { kind: "link-del", name: "nosuchdev" }], { force: true });
    for (const mode of MODES) {
      expect(gone[mode].failures.map((f) => f.line), mode).toEqual([1, 2]);
      for (const f of gone[mode].failures) expect(f.message, mode).toMatch(/Cannot find device|does not exist|No such file or directory|No such process|No such device/);
    }
  });

  it("a netns that is missing or not a netns fails before any op (line 0)", () => {
    for (const path of ["/run/netns/nlt-does-not-exist", join(dir, "not-a-netns")]) {
      const r = failures(() => [{ kind: "link-up", name: "lo" }], { netns: () => path });
      for (const mode of MODES) {
        expect(r[mode].exitCode, mode).not.toBe(0);
        expect(r[mode].failures.map((f) => f.line), `${mode} ${path}`).toEqual([0]);
      }
    }
  });

  it("ops in the pod netns land there, and the host netns is untouched", () => {
    const w = world();
    const before = json(w.host, ["addr", "show"]);
    const r = drive("netlink", w.host, {
      action: "ops",
      stateDir: dir,
      netns: `/run/netns/${w.pod}`,
      ops: [{ kind: "link-up", name: "lo" }, { kind: "addr", ip: "10.212.3.3", dev: "lo" }],
    });
    expect(r).toMatchObject({ ok: true, result: { exitCode: 0, failures: [] } });
    expect(JSON.stringify(json(w.pod, ["addr", "show", "dev", "lo"]))).toContain('"local":"10.212.3.3"');
    expect(json(w.host, ["addr", "show"])).toEqual(before);
  });
});
