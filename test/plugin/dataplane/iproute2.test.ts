// The dataplane's decisions with a recording runner: what runs where, what is undone on failure,
// the 802.1Q fallback, and the errors (no root needed).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { isCniError } from "../../../plugin/cni/errors.js";
import type { IfName, NetnsPath } from "../../../common/boundary/index.js";
import { createIproute2Dataplane, type DataplaneLogger, type Iproute2Options } from "../../../plugin/dataplane/iproute2.js";
import type { NetnsProbe } from "../../../plugin/dataplane/netns.js";
import type { LinkLookup } from "../../../plugin/dataplane/sysfs.js";
import type { Dataplane, PodNetworkSpec, TeardownSpec } from "../../../plugin/dataplane/types.js";
import { branchPod, ordinary } from "./fixtures.js";
import { fakeRunner } from "./fake-runner.js";

const dir = mkdtempSync(join(tmpdir(), "dp-unit-"));
const netns = join(dir, "netns") as NetnsPath;
writeFileSync(netns, "");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `netns` stands for a network namespace; other existing files are not one. */
const probe: NetnsProbe = (p) => (p === netns ? "netns" : existsSync(p) ? "not-netns" : "missing");
const createDp = (o: Iproute2Options): Dataplane => createIproute2Dataplane({ netns: probe, ...o });
const pod = { ...ordinary, netns } as PodNetworkSpec;
const branch = (mode: "strict" | "standard"): PodNetworkSpec => ({ ...branchPod(mode), netns });
const td = (o: object): TeardownSpec => o as TeardownSpec;
const signal = new AbortController().signal;
const links = (present: string[] = [], byIndex: Record<number, string> = { 7: "trunk0" }): LinkLookup => ({
  exists: (n) => present.includes(n),
  nameByIndex: (i) => byIndex[i] as IfName | undefined,
});
const logger = (): DataplaneLogger & { warn: ReturnType<typeof vi.fn> } => {
  const warn = vi.fn<(msg: string, fields?: Record<string, unknown>) => void>();
  return { debug: vi.fn(), info: vi.fn(), warn };
};

describe("iproute2 dataplane setup", () => {
  it("runs one host batch and one pod batch (inside the netns)", async () => {
    const f = fakeRunner();
    const dp = createDp({ runner: f.run, links: links() });
    const out = await dp.setup(pod, signal);
    expect(f.batches.map((b) => b.opts)).toEqual([{}, { netns }]);
    expect(out.container).toMatchObject({ name: "eth0", sandbox: netns });
    expect(out.hostVeth.name).toBe(ordinary.hostVethName);
    expect(f.batches[1]?.lines.at(-1)).toBe(`neigh add 169.254.1.1 lladdr ${out.hostVeth.mac} dev eth0 nud permanent`);
  });

  it("fails with code 3 and runs nothing when the netns does not exist", async () => {
    const f = fakeRunner();
    const dp = createDp({ runner: f.run, links: links() });
    const err = await dp.setup({ ...pod, netns: join(dir, "gone") as NetnsPath }, signal).catch((e: unknown) => e);
    expect(isCniError(err) && err.code).toBe(3);
    expect(f.batches).toEqual([]);
  });

  it("fails with code 4 and runs nothing when CNI_NETNS is a file that is no network namespace (a FIFO, a plain file)", async () => {
    const f = fakeRunner();
    const plain = join(dir, "plain") as NetnsPath;
    writeFileSync(plain, "");
    const err = await createDp({ runner: f.run, links: links() }).setup({ ...pod, netns: plain }, signal).catch((e: unknown) => e);
    expect(isCniError(err) && [err.code, err.message]).toEqual([4, `add command: "${plain}" is not a network namespace`]);
    expect(f.batches).toEqual([]);
  });

  it("undoes the host side when the pod side fails", async () => {
    const f = fakeRunner((l) => (l.startsWith("addr add") ? "RTNETLINK answers: Permission denied" : undefined));
    const dp = createDp({ runner: f.run, links: links() });
    const err = await dp.setup(pod, signal).catch((e: unknown) => e);
    expect(isCniError(err) && err.message).toBe("add command: failed to setup network");
    expect(isCniError(err) && err.details).toMatch(/addr add 10\.0\.1\.5\/32 dev eth0.*Permission denied/);
    expect(f.batches.at(-1)).toEqual({
      lines: ["rule del to 10.0.1.5/32 lookup main prio 512", `link del ${ordinary.hostVethName}`],
      opts: { force: true },
    });
  });

  it.each([
    ["the host batch", 1, ["rule del to 10.0.1.5/32 lookup main prio 512", `link del ${ordinary.hostVethName}`]],
    ["the pod batch", 2, ["rule del to 10.0.1.5/32 lookup main prio 512", `link del ${ordinary.hostVethName}`]],
  ] as const)("undoes the host side when %s is killed at the deadline", async (_what, killedBatch, undo) => {
    const f = fakeRunner();
    let n = 0;
    const run: typeof f.run = async (lines, opts, s) => {
      if (++n === killedBatch) throw new Error("dataplane setup: deadline of 30000 ms exceeded");
      return f.run(lines, opts, s);
    };
    const dp = createDp({ runner: run, links: links() });
    await expect(dp.setup(pod, signal)).rejects.toThrow(/deadline/);
    expect(f.batches.at(-1)).toEqual({ lines: [...undo], opts: { force: true } });
  });

  it("creates nothing and undoes nothing when the interface already exists", async () => {
    const f = fakeRunner((l) => (l.startsWith("link add") ? "RTNETLINK answers: File exists" : undefined));
    const dp = createDp({ runner: f.run, links: links() });
    await expect(dp.setup(pod, signal)).rejects.toThrow("add command: failed to setup network");
    expect(f.batches).toHaveLength(1);
  });

  it("deletes a stale host veth of the same pod first", async () => {
    const f = fakeRunner();
    const dp = createDp({ runner: f.run, links: links([ordinary.hostVethName]) });
    await dp.setup(pod, signal);
    expect(f.batches[0]?.lines[0]).toBe(`link del ${ordinary.hostVethName}`);
  });
});

describe("iproute2 dataplane, branch pods", () => {
  it("finds the trunk by ParentIfIndex and falls back to macvlan when the probe says no 802.1Q", async () => {
    const f = fakeRunner((l) => (l.includes("type vlan") ? "Error: Unknown device type." : undefined));
    const log = logger();
    const dp = createDp({ runner: f.run, links: links(), stateDir: join(dir, "state1"), log });
    const out = await dp.setup(branch("strict"), signal);
    expect(f.batches[0]?.lines).toEqual([expect.stringMatching(/^link add link lo name mvc-vprobe\d+ type vlan id 4094$/)]);
    expect(f.batches[1]?.lines).toContain("link add link trunk0 name vlan.eth.3 address 06:74:5b:7b:54:3a type macvlan mode bridge");
    expect(out.vlan).toEqual({ name: "vlan.eth.3", mac: "06:74:5b:7b:54:3a", kind: "macvlan" });
    expect(log.warn).toHaveBeenCalledOnce();
    // The answer is cached: a second ADD does not probe again.
    const g = fakeRunner();
    await createDp({ runner: g.run, links: links(), stateDir: join(dir, "state1") }).setup(
      branch("strict"),
      signal,
    );
    expect(g.batches[0]?.lines.some((l) => l.includes("type macvlan"))).toBe(true);
  });

  it("uses a real 802.1Q link when the kernel has one", async () => {
    const f = fakeRunner((l) => (l.includes(" lo ") ? "RTNETLINK answers: Operation not supported" : undefined));
    const dp = createDp({ runner: f.run, links: links(), stateDir: join(dir, "state2") });
    const out = await dp.setup(branch("standard"), signal);
    expect(out.vlan?.kind).toBe("vlan");
    expect(f.batches[1]?.lines).toContain("link add link trunk0 name vlan.eth.3 address 06:74:5b:7b:54:3a type vlan id 3");
  });

  it("fails before creating anything when no link has the ParentIfIndex", async () => {
    const f = fakeRunner();
    const dp = createDp({ runner: f.run, links: links([], {}), branchLinkKind: "vlan" });
    const err = await dp.setup(branch("strict"), signal).catch((e: unknown) => e);
    expect(isCniError(err) && err.details).toMatch(/ifindex 7/);
    expect(f.batches).toEqual([]);
  });
});

describe("iproute2 dataplane teardown and check", () => {
  it("teardown tolerates everything already gone, inside the netns and on the host", async () => {
    const f = fakeRunner(() => "Cannot find device");
    const dp = createDp({ runner: f.run, links: links() });
    await dp.teardown(td({ containerId: "c", netns, ifName: "eth0", hostVethName: "eni1", ipv4: "10.0.1.5" }), signal);
    expect(f.batches).toEqual([
      { lines: ["link del eth0"], opts: { netns, force: true } },
      { lines: ["rule del to 10.0.1.5/32 lookup main prio 512", "rule del from 10.0.1.5/32 prio 1536"], opts: { force: true } },
    ]);
  });

  it("teardown never enters a path that is no network namespace, and still cleans the host", async () => {
    const f = fakeRunner();
    const plain = join(dir, "plain2");
    writeFileSync(plain, "");
    const log = logger();
    await createDp({ runner: f.run, links: links(), log }).teardown(td({ containerId: "c", netns: plain, ifName: "eth0", hostVethName: "eni1", ipv4: "10.0.1.5" }), signal);
    expect(f.batches.map((b) => b.opts)).toEqual([{ force: true }]);
    expect(log.warn).toHaveBeenCalledOnce();
  });

  it("teardown with a netns that is gone runs nothing inside it", async () => {
    const f = fakeRunner();
    const dp = createDp({ runner: f.run, links: links() });
    await dp.teardown(td({ containerId: "c", netns: join(dir, "gone"), ifName: "eth0", hostVethName: "eni1" }), signal);
    expect(f.batches).toEqual([]);
  });

  it("teardown treats a netns nsenter cannot enter as gone", async () => {
    const run = async () => ({ exitCode: 1, stdout: "", failures: [{ line: 0, message: "nsenter: reassociate to namespace 'ns/net' failed: Invalid argument" }] });
    const log = logger();
    await createDp({ runner: run, links: links(), log }).teardown(td({ containerId: "c", netns, ifName: "eth0", hostVethName: "eni1" }), signal);
    expect(log.warn).toHaveBeenCalledOnce();
  });

  it("teardown reports other failures, naming the command", async () => {
    const f = fakeRunner((l) => (l.startsWith("link del") ? "RTNETLINK answers: Operation not permitted" : undefined));
    const dp = createDp({ runner: f.run, links: links() });
    const err = await dp.teardown(td({ containerId: "c", netns, ifName: "eth0", hostVethName: "eni1", vlanId: 4 }), signal).catch((e: unknown) => e);
    expect(isCniError(err) && err.details).toMatch(/"ip link del eth0": RTNETLINK answers: Operation not permitted; "ip link del vlan.eth.4"/);
  });

  it("check names what is missing", async () => {
    const f = fakeRunner(() => undefined, "[]\n[]\n[]\n[]\n");
    const dp = createDp({ runner: f.run, links: links() });
    const err = await dp.check(pod, signal).catch((e: unknown) => e);
    expect(isCniError(err) && err.details).toMatch(/interface eth0 missing.*host veth eni0123456789a missing/);
    expect(f.batches[0]?.opts).toEqual({ netns, json: true });
  });
});
