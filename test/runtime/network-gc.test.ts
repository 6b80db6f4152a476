// The runtime's CNI GC (runtime/network-gc.ts) with a FakeClock and fakes: the live sandboxes are
// the valid attachments, GC runs on its period and on demand, and never during an ADD or DEL.
import { describe, expect, it } from "vitest";
import type { PodObject } from "../../cluster/k8s/index.js";
import { FakeClock } from "../../common/clock.js";
import type { SandboxInfo, SandboxRuntime } from "../../runtime/kubelet/types.js";
import type { GCAttachment, NetworkConfigList } from "../../runtime/libcni/index.js";
import { withNetworkGc } from "../../runtime/network-gc.js";

const pod = { namespace: "default", name: "p" } as PodObject;
const list = (name: string) => ({ name, cniVersion: "1.1.0", plugins: [] }) as unknown as NetworkConfigList;
const signal = new AbortController().signal;

function world() {
  const log: string[] = [];
  let release: (() => void) | undefined;
  const inner: SandboxRuntime = {
    async runPodSandbox(_p, req) {
      log.push(`ADD ${req.sandboxId}`);
      if (req.sandboxId === "slow") await new Promise<void>((r) => (release = r));
      return req.sandboxId.startsWith("fail") ? { ok: false, error: "refused" } : { ok: true, sandbox: { sandboxId: req.sandboxId, netns: `/n/${req.sandboxId}`, ips: [] } };
    },
    async stopPodSandbox(_p, s) {
      log.push(`DEL ${s.sandboxId}`);
    },
  };
  const cni = {
    async gcNetworkList(l: NetworkConfigList, valid: readonly GCAttachment[]) {
      log.push(`GC ${l.name} [${valid.map((v) => `${v.containerID}/${v.ifname}`).join(" ")}]`);
    },
  };
  return { log, inner, cni, releaseSlow: () => release?.() };
}

const sb = (id: string): SandboxInfo => ({ sandboxId: id, netns: `/n/${id}`, ips: [] });

describe("withNetworkGc", () => {
  it("sends GC for every network with the live sandboxes as the valid attachments", async () => {
    const w = world();
    const rt = withNetworkGc(w.inner, { cni: w.cni, attachments: [{ list: list("lo"), ifName: "lo" }, { list: list("aws-cni"), ifName: "eth0" }], clock: new FakeClock(), intervalMs: 0 });
    await rt.runPodSandbox(pod, { sandboxId: "a", attempt: 1 }, signal);
    await rt.runPodSandbox(pod, { sandboxId: "b", attempt: 1 }, signal);
    await rt.runPodSandbox(pod, { sandboxId: "fail1", attempt: 1 }, signal);
    await rt.stopPodSandbox(pod, sb("a"), signal);
    await rt.gc();
    expect(w.log.slice(-2)).toEqual(["GC lo [b/lo]", "GC aws-cni [b/eth0]"]);
  });

  it("runs on its period on the injected clock", async () => {
    const w = world();
    const clock = new FakeClock();
    const rt = withNetworkGc(w.inner, { cni: w.cni, attachments: [{ list: list("aws-cni"), ifName: "eth0" }], clock, intervalMs: 60_000 });
    await clock.advance(59_999);
    expect(w.log).toEqual([]);
    await clock.advance(1);
    await clock.advance(60_000);
    expect(w.log).toEqual(["GC aws-cni []", "GC aws-cni []"]);
    rt.close();
    await clock.advance(600_000);
    expect(w.log).toHaveLength(2);
  });

  it("waits for an ADD in flight, and holds new ADDs until it is done", async () => {
    const w = world();
    const rt = withNetworkGc(w.inner, { cni: w.cni, attachments: [{ list: list("aws-cni"), ifName: "eth0" }], clock: new FakeClock(), intervalMs: 0 });
    const slow = rt.runPodSandbox(pod, { sandboxId: "slow", attempt: 1 }, signal);
    await Promise.resolve();
    const gc = rt.gc();
    const later = rt.runPodSandbox(pod, { sandboxId: "later", attempt: 1 }, signal);
    await new Promise((r) => setImmediate(r));
    expect(w.log).toEqual(["ADD slow"]);
    w.releaseSlow();
    await Promise.all([slow, gc, later]);
    expect(w.log).toEqual(["ADD slow", "GC aws-cni [slow/eth0]", "ADD later"]);
  });
});
