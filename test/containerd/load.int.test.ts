// A small concurrent CRI load with both networks (ours and bridge + host-local) in one containerd:
// every pod is created and removed, and nothing is left: no lease, netns, sandbox or link.
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { linkNames, podVethNames } from "./host.js";
import { runLoad } from "./load.js";
import { BRIDGE_HANDLER, stackUnavailable, startStack } from "./stack.js";
import type { Stack } from "./stack.js";
import { describeIf } from "../helpers/prereq.js";

const unavailable = stackUnavailable();

describeIf(unavailable, `CRI load, mock-vpc-cni and bridge side by side (${unavailable ?? "root, built"})`, () => {
  let stack: Stack;
  const linksBefore: string[] = [];

  beforeAll(async () => {
    linksBefore.push(...(await linkNames()));
    stack = await startStack({ withBridge: true, daemonArgs: ["--instance-type", "m5.4xlarge", "--ip-cooldown", "0s"] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  for (const [label, handler] of [["mock-vpc-cni", ""], ["bridge + host-local", BRIDGE_HANDLER]] as const) {
    it(`creates and removes 8 pods, 4 at a time, with ${label}`, async () => {
      const r = await runLoad({ cri: stack.env.cri, runtimeHandler: handler, pods: 8, concurrency: 4, namespace: "load", prefix: `l${handler}` });
      expect(r.failures).toEqual([]);
      expect(r.runMs).toHaveLength(8);
      expect(await stack.env.cri.listPodSandbox()).toEqual([]);
      expect(await readdir(stack.env.paths.netnsDir).catch(() => [])).toEqual([]);
      expect((await stack.daemon.control.ListLeases({})).leases).toEqual([]);
    });
  }

  it("leaves no link behind once stopped", async () => {
    await stack.stop();
    const ours = [stack.bridgeName, ...Array.from({ length: 8 }, (_, i) => podVethNames("load", `l-${i}`)).flat()];
    expect((await linkNames()).filter((l) => ours.includes(l) && !linksBefore.includes(l))).toEqual([]);
  });
});
