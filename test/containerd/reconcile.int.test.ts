// "No lost leases" through containerd (issue #10, item 2). containerd 1.6 never sends CNI GC, so a
// sandbox stopped and removed while ipamd is down leaves its lease held (the plugin's DEL exits 0,
// as aws-cni's does). The backstop is mock-ipamd's ReconcileLeases with the node's live sandboxes as
// CRI ListPodSandbox gives them: the leaked lease goes, the live sandbox's lease stays.
import { afterAll, beforeAll, expect, it } from "vitest";
import { podSandboxConfig } from "../../cri/index.js";
import { MOCK_NETWORK } from "./conflists.js";
import { stackUnavailable, startStack } from "./stack.js";
import type { Stack } from "./stack.js";
import { describeIf } from "../helpers/prereq.js";

const unavailable = stackUnavailable();

describeIf(unavailable, `leases leaked by a DEL while ipamd was down, reconciled against CRI (${unavailable ?? "root, built"})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const leased = async (): Promise<string[]> => (await stack.daemon.control.ListLeases({})).leases.map((l) => l.container_id).sort();

  it("releases the lease of a sandbox CRI no longer lists, keeps the live one", async () => {
    const cri = stack.env.cri;
    const ids: string[] = [];
    for (const name of ["stays", "leaks"]) {
      await stack.daemon.control.CreatePod({ namespace: "default", name, uid: `uid-${name}`, schedule: true });
      ids.push(await cri.runPodSandbox(podSandboxConfig({ namespace: "default", name, uid: `uid-${name}` })));
    }
    const [stays, leaks] = ids as [string, string];
    expect(await leased()).toEqual([stays, leaks].sort());

    await stack.daemon.control.SetFaults({ ipamd_down: true });
    await cri.stopPodSandbox(leaks);
    await cri.removePodSandbox(leaks);
    await stack.daemon.control.SetFaults({ ipamd_down: false });
    expect(await leased()).toEqual([stays, leaks].sort());

    const listedAt = Date.now();
    const live = (await cri.listPodSandbox()).map((s) => s.id);
    expect(live).toEqual([stays]);
    const reply = await stack.daemon.control.ReconcileLeases({ live_container_ids: live, listed_at_ms: listedAt, network_name: MOCK_NETWORK });
    expect(reply.released.map((l) => l.container_id)).toEqual([leaks]);
    expect(await leased()).toEqual([stays]);

    await cri.stopPodSandbox(stays);
    await cri.removePodSandbox(stays);
    expect(await leased()).toEqual([]);
  });
});
