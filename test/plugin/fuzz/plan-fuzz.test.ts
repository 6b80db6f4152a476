// Property-based test of the whole in-process path (issue #10, item 6): generated env, CNI_ARGS,
// netconf, prevResult and ipamd replies through the real dispatcher, the real verbs and the real
// iproute2 dataplane, with only the process boundary replaced by a recorder. No generated input may
// make the plan builder produce a word outside the safe alphabet (the batch guard would refuse it:
// its message must never appear), stdout is always exactly one JSON document or nothing, and the
// exit code is 0 or 1. An ADD that succeeds is followed by a DEL with its result as prevResult.
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { batchProblem, type BatchRunner } from "../../../plugin/dataplane/batch.js";
import { createIproute2Dataplane } from "../../../plugin/dataplane/iproute2.js";
import type { IfName } from "../../../common/boundary/index.js";
import { runPlugin } from "../../../plugin/cni/skel.js";
import { createLogger } from "../../../plugin/cni/log.js";
import { FakeClock } from "../../../common/clock.js";
import { bindVerbs } from "../../../plugin/verbs/bind.js";
import { MemoryAttachmentStore } from "../../../plugin/verbs/state.js";
import type { AddNetworkReply, DelNetworkReply } from "../../../proto/rpc.js";
import { FakeIpamd } from "../verbs/fakes.js";
import * as A from "./arbitraries.js";

const dir = mkdtempSync(join(tmpdir(), "plan-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  batches: string[][];
}

async function invoke(env: Record<string, string>, conf: unknown, add: AddNetworkReply, del: DelNetworkReply): Promise<Run> {
  const batches: string[][] = [];
  const runner: BatchRunner = async (lines) => {
    batches.push([...lines]);
    return { exitCode: 0, stdout: "", failures: [] };
  };
  const dataplane = createIproute2Dataplane({
    runner,
    links: { exists: () => false, nameByIndex: (i) => (i === 7 ? ("trunk0" as IfName) : undefined) },
    netns: () => "netns",
    branchLinkKind: "macvlan",
    stateDir: dir,
  });
  const ipamd = new FakeIpamd();
  ipamd.addNetwork = async () => add;
  ipamd.delNetwork = async () => del;
  const store = new MemoryAttachmentStore();
  const verbs = bindVerbs(async (_c, log) => ({ deps: { ipamd, dataplane, store, clock: new FakeClock(), log }, close: () => {} }));
  let stdout = "";
  const code = await runPlugin(
    { env, readStdin: async () => JSON.stringify(conf), stdout: (t) => void (stdout += t), stderr: () => {}, openLog: () => createLogger("error", () => {}) },
    verbs,
  );
  return { code, stdout, batches };
}

function expectWellFormed(r: Run): Record<string, unknown> | undefined {
  expect([0, 1]).toContain(r.code);
  const docs = r.stdout.split("\n").filter((l) => l !== "");
  expect(docs.length).toBeLessThanOrEqual(1);
  if (r.code === 1) expect(docs).toHaveLength(1);
  const doc = docs[0] === undefined ? undefined : (JSON.parse(docs[0]) as Record<string, unknown>);
  expect(String(doc?.msg ?? "")).not.toContain("refusing to run ip -batch");
  for (const b of r.batches) expect(batchProblem(b)).toBeUndefined();
  return doc;
}

const input = A.invocation(7, ["/var/run/netns/cni-1", "/proc/42/ns/net"]);

const stats = { runs: 0, ok: 0 };

describe("fuzz: ADD and DEL through the dispatcher, the verbs and the iproute2 plan", () => {
  it("never plans an unsafe word; one document or none; exit 0 or 1", async () => {
    await fc.assert(
      fc.asyncProperty(input, async (i) => {
        const env = { CNI_COMMAND: "ADD", CNI_CONTAINERID: i.containerId, CNI_NETNS: i.netns, CNI_IFNAME: i.ifName, CNI_ARGS: i.args, CNI_PATH: "/opt/cni/bin" };
        const conf = { cniVersion: "1.0.0", type: "mock-vpc-cni", ...i.conf, stateDir: join(dir, "state") };
        const del: DelNetworkReply = { Success: true, IPAllocationMetadata: [{ IPv4Addr: String(i.delIp), IPv6Addr: "", DeviceNumber: 0, RouteTableId: 0 }], PodVlanId: i.delVlan, NetworkPolicyMode: "" };
        const first = await invoke(env, conf, i.add, del);
        stats.runs++;
        if (first.code === 0) stats.ok++;
        const added = expectWellFormed(first);
        // DEL with what ADD printed as prevResult, or with a generated one.
        const prevResult = added !== undefined && added.code === undefined ? added : i.prev?.("dummy0", i.netns);
        expectWellFormed(await invoke({ ...env, CNI_COMMAND: "DEL" }, { ...conf, ...(prevResult === undefined ? {} : { prevResult }) }, i.add, del));
      }),
      { seed: 4242, numRuns: 300 },
    );
    // The generator must reach the success path too, or the property says little about plans.
    expect(stats.ok).toBeGreaterThan(stats.runs / 10);
  });
});
