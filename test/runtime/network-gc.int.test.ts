// "No lost leases" end to end (issue #10, item 2), with the built plugin, the built mock-ipamd and
// the libcni-like runtime: a sandbox is stopped while ipamd is down, so its DEL succeeds (as
// aws-cni's does) but the lease stays held; the plugin keeps its attachment record; the runtime's
// next CNI GC (runtime/network-gc.ts, as CRI-O sends it) releases the lease.
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PodObject } from "../../cluster/k8s/index.js";
import { systemClock } from "../../common/clock.js";
import { fileAttachmentStore } from "../../plugin/verbs/state-file.js";
import { createCniSandboxRuntime, type SandboxCall } from "../../runtime/containerd/index.js";
import { createCniRuntime, parseConfList } from "../../runtime/libcni/index.js";
import { withNetworkGc } from "../../runtime/network-gc.js";
import { fakeNetns } from "../../runtime/netns.js";
import { REPO_ROOT, startDaemon, type StartedDaemon } from "../helpers/daemon.js";

const PLUGIN = join(REPO_ROOT, "dist", "bin", "mock-vpc-cni");

describe("a DEL while ipamd is down, then the runtime's CNI GC", () => {
  let daemon: StartedDaemon;
  let work = "";
  beforeAll(async () => {
    if (!existsSync(PLUGIN)) throw new Error(`${PLUGIN} missing: run npm run build first`);
    daemon = await startDaemon({ args: ["--node-name", "gc-node"] });
    work = await mkdtemp(join(tmpdir(), "net-gc-"));
    await copyFile(PLUGIN, join(work, "mock-vpc-cni"));
  });
  afterAll(async () => {
    await daemon?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("releases the lease the DEL could not, and drops the plugin's record", async () => {
    const stateDir = join(work, "plugin-state");
    const list = parseConfList(JSON.stringify({
      cniVersion: "1.1.0", name: "aws-cni",
      plugins: [{ type: "mock-vpc-cni", ipamdAddress: daemon.address, ipamdTimeout: "5s", dataplane: "none", stateDir, pluginLogFile: join(work, "plugin.log") }],
    }));
    const cni = createCniRuntime({ binDirs: [work], cacheDir: join(work, "cache"), execTimeoutMs: 20_000 });
    const calls: SandboxCall[] = [];
    const runtime = withNetworkGc(
      createCniSandboxRuntime({ cni, podNetwork: list, loopback: undefined, netns: fakeNetns(join(work, "netns")), onCall: (c) => calls.push(c) }),
      { cni, attachments: [{ list, ifName: "eth0" }], clock: systemClock, intervalMs: 0 },
    );
    const pod = { namespace: "default", name: "gc-pod", uid: "uid-gc-pod", labels: {}, annotations: {}, limits: {}, requests: {} } as unknown as PodObject;
    const signal = new AbortController().signal;
    const keep = await runtime.runPodSandbox(pod, { sandboxId: "keep0000000a", attempt: 1 }, signal);
    const out = await runtime.runPodSandbox({ ...pod, name: "gc-pod-2" }, { sandboxId: "gone0000000b", attempt: 1 }, signal);
    expect(keep.ok && out.ok).toBe(true);
    if (!out.ok) return;
    const leased = async () => (await daemon.control.ListLeases({})).leases.map((l) => l.container_id).sort();
    expect(await leased()).toEqual(["gone0000000b", "keep0000000a"]);

    await daemon.control.SetFaults({ ipamd_down: true });
    await runtime.stopPodSandbox({ ...pod, name: "gc-pod-2" }, out.sandbox, signal);
    await daemon.control.SetFaults({ ipamd_down: false });
    // Both DELs (with the netns, then containerd's second one) exited 0, as aws-cni's do...
    expect(calls.filter((c) => c.verb === "DEL").map((c) => c.ok)).toEqual([true, true]);
    // ...but the lease is still held, and the plugin kept its record for GC.
    expect(await leased()).toEqual(["gone0000000b", "keep0000000a"]);
    expect((await fileAttachmentStore(stateDir).list("aws-cni")).map((r) => r.containerId).sort()).toEqual(["gone0000000b", "keep0000000a"]);

    await runtime.gc();
    expect(await leased()).toEqual(["keep0000000a"]);
    expect((await fileAttachmentStore(stateDir).list("aws-cni")).map((r) => r.containerId)).toEqual(["keep0000000a"]);
    runtime.close();
  });
});
