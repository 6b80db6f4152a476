// A generated corpus through the BUILT plugin (issue #10, item 6), as root with the real iproute2
// dataplane and a stub ipamd answering each case's generated reply: every case is an ADD, and the
// DEL a runtime sends after it (with the ADD's result as prevResult when it succeeded). Each exec
// exits 0 or 1 with exactly one JSON document (or none for a DEL), and after each case the host
// (links, rules, routes of every table, named netns) and the pod's netns are as before it.
// Seeded; bounded by the corpus size, not by time.
import { execa } from "execa";
import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {afterAll, beforeAll, expect, it } from "vitest";
import { describeIf, needRoot } from "../../helpers/prereq.js";
import { createNetns, createTrunk, type TestNetns, type TestTrunk } from "../../helpers/netns.js";
import { REPO, startTestServer, type TestServer } from "../client/test-server.js";
import { hostSnapshot } from "../host-snapshot.js";
import * as A from "./arbitraries.js";

const BIN = join(REPO, "dist", "bin", "mock-vpc-cni");
const CORPUS = 40;

describeIf(needRoot(), "fuzz: a generated corpus through the built plugin (root, real dataplane)", () => {
  let server: TestServer;
  let trunk: TestTrunk;
  let ns: TestNetns;
  let tmp: string;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run npm run build first`);
    server = await startTestServer();
    trunk = createTrunk(`fztr${process.pid % 10000}`, "0a:58:0a:d4:00:01");
    ns = createNetns("fz");
    tmp = mkdtempSync(join(tmpdir(), "fuzz-bin-"));
    mkdirSync(join(tmp, "watch"));
  });

  afterAll(async () => {
    ns?.remove();
    trunk?.remove();
    await server?.stop();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  async function exec(env: Record<string, string>, stdin: string): Promise<{ code: number; docs: string[] }> {
    const r = await execa(BIN, [], { env: { PATH: "/usr/sbin:/sbin:/usr/bin:/bin", CNI_PATH: "/opt/cni/bin", ...env }, extendEnv: false, input: stdin, reject: false, timeout: 30_000 });
    return { code: r.exitCode ?? -1, docs: String(r.stdout).split("\n").filter((l) => l !== "") };
  }

  it(`${CORPUS} generated cases: exit 0 or 1, one document, the host and the pod's netns unchanged after ADD+DEL`, async () => {
    const cases = fc.sample(A.invocation(trunk.ifindex, [ns.path]), { seed: 7_310, numRuns: CORPUS });
    let succeeded = 0;
    for (const [n, c] of cases.entries()) {
      server.onAdd = () => c.add;
      server.onDel = () => ({ Success: true, IPAllocationMetadata: [{ IPv4Addr: String(c.delIp), IPv6Addr: "", DeviceNumber: 0, RouteTableId: 0 }], PodVlanId: c.delVlan });
      const label = `case ${n}: ${JSON.stringify(c).slice(0, 400)}`;
      const before = hostSnapshot(join(tmp, "watch"));
      const podBefore = JSON.stringify(ns.ipJson(["link", "show"]).map((l) => l.ifname));
      // No process environment can hold a NUL: a runtime could never send one.
      const noNul = (v: string): string => v.replace(/\u0000/g, "?");
      const env = { CNI_CONTAINERID: noNul(c.containerId), CNI_NETNS: noNul(c.netns), CNI_IFNAME: noNul(c.ifName), CNI_ARGS: noNul(c.args) };
      const conf = { cniVersion: "1.0.0", type: "mock-vpc-cni", ...c.conf, ipamdAddress: server.address, ipamdTimeout: "5s", stateDir: join(tmp, "state") };
      const add = await exec({ ...env, CNI_COMMAND: "ADD" }, JSON.stringify(conf));
      expect([0, 1], label).toContain(add.code);
      expect(add.docs, label).toHaveLength(1);
      const result = JSON.parse(add.docs[0] as string) as Record<string, unknown>;
      expect(String(result.msg ?? ""), label).not.toContain("refusing to run ip -batch");
      if (add.code === 0) succeeded++;
      const prevResult = add.code === 0 ? result : undefined;
      const del = await exec({ ...env, CNI_COMMAND: "DEL" }, JSON.stringify({ ...conf, ...(prevResult === undefined ? {} : { prevResult }) }));
      expect([0, 1], label).toContain(del.code);
      expect(del.docs.length, label).toBe(del.code === 0 ? 0 : 1);
      if (del.code !== 0 && add.code === 0) {
        // A refused DEL (ipamd's reply was garbage) is retried by the runtime; an honest ipamd then.
        const meta = (c.add.IPAllocationMetadata as { IPv4Addr: string; DeviceNumber: number; RouteTableId: number }[])[0];
        server.onDel = () => ({ Success: true, IPAllocationMetadata: meta === undefined ? [] : [{ ...meta, IPv6Addr: "" }], PodVlanId: c.add.PodVlanId });
        expect((await exec({ ...env, CNI_COMMAND: "DEL" }, JSON.stringify({ ...conf, ...(prevResult === undefined ? {} : { prevResult }) }))).code, label).toBe(0);
      }
      expect(hostSnapshot(join(tmp, "watch")), label).toEqual(before);
      expect(JSON.stringify(ns.ipJson(["link", "show"]).map((l) => l.ifname)), label).toEqual(podBefore);
    }
    // The corpus must reach real setups too, or "unchanged" would say little.
    expect(succeeded).toBeGreaterThan(CORPUS / 10);
  });
});
