// End to end: a refused ADD explained. The built mock-vpc-cni binary (dataplane none) against the
// built mock-ipamd: the CNI error keeps aws-cni's exact msg, and its details carry the daemon's
// harness-add-failure-* trailers (which pod, how far the fake controller's provisioning is),
// over both client transports (node:http2, the default, and grpc-js).

import { execa } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedDaemon } from "../helpers/daemon.js";
import { REPO_ROOT, startDaemon } from "../helpers/daemon.js";

const BIN = join(REPO_ROOT, "dist", "bin", "mock-vpc-cni");
const ADD_REFUSED = "add cmd: failed to assign an IP address to container";

interface CniRun { code: number; json: Record<string, unknown> }

async function cniAdd(conf: object, pod: { ns: string; name: string }, containerId: string): Promise<CniRun> {
  const r = await execa(BIN, [], {
    env: {
      CNI_COMMAND: "ADD", CNI_CONTAINERID: containerId, CNI_NETNS: `/var/run/netns/h9-${containerId}`, CNI_IFNAME: "eth0",
      CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.ns};K8S_POD_NAME=${pod.name};K8S_POD_INFRA_CONTAINER_ID=${containerId}`,
      CNI_PATH: "/opt/cni/bin",
    },
    extendEnv: false, input: JSON.stringify(conf), reject: false, timeout: 20_000,
  });
  return { code: r.exitCode ?? -1, json: JSON.parse(String(r.stdout)) as Record<string, unknown> };
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("refused ADD explained end to end", () => {
  let d: StartedDaemon;
  let pluginState: string;
  const conf = (transport: string) => ({
    cniVersion: "1.0.0", name: "aws-cni", type: "mock-vpc-cni", ipamdAddress: d.address, ipamdTimeout: "5s",
    dataplane: "none", stateDir: pluginState, ipamdTransport: transport,
  });

  beforeAll(async () => {
    // A long delay: the annotation cannot arrive while the test runs, so every ADD is refused.
    d = await startDaemon({ args: ["--sgp-namespace", "sgp", "--provisioning-delay", "60s"] });
    pluginState = mkdtempSync(join(tmpdir(), "h9-plugin-state-"));
  });
  afterAll(async () => {
    await d?.stop();
    if (pluginState !== undefined) rmSync(pluginState, { recursive: true, force: true });
  });

  for (const transport of ["http2", "grpc-js"]) {
    it(`names the pod and the controller's provisioning progress in details (${transport})`, async () => {
      const name = `web-${transport}`;
      await d.control.CreatePod({ namespace: "sgp", name, schedule: true });
      // Wait until the fake controller's EC2 calls are done (the 60 s delay has begun): the
      // details can then give the expected remaining time.
      await until("EC2 calls done", async () => {
        const enis = (await d.control.ListENIs({})).enis;
        return enis.some((e) => e.branch && e.pod_name === name && e.state === "associated");
      });
      const r = await cniAdd(conf(transport), { ns: "sgp", name }, `c-${transport}`);
      expect(r.code).toBe(1);
      expect(r.json.code).toBe(999);
      expect(r.json.msg).toBe(ADD_REFUSED);
      const details = String(r.json.details);
      expect(details).toContain(`pod sgp/${name}`);
      expect(details).toContain("branch-eni-not-ready");
      const since = /being provisioned by the fake VPC resource controller since (\d+\.\d) s/.exec(details);
      const left = /annotation expected in (\d+\.\d) s/.exec(details);
      expect(since, details).not.toBeNull();
      expect(left, details).not.toBeNull();
      // What is left of the 60 s delay, which began when the EC2 calls were done, after the pod was
      // queued: at most 60 s, and no less than 60 s minus the time since it was queued (both
      // rounded to 0.1 s). No bound on how long the machine took to get here.
      expect(Number(left?.[1])).toBeLessThanOrEqual(60);
      expect(Number(since?.[1]) + Number(left?.[1])).toBeGreaterThanOrEqual(60 - 0.2);
    });
  }

  it("explains a pod first seen at its ADD (cnitool, no control API): registered and scheduled just now", async () => {
    const r = await cniAdd(conf("grpc-js"), { ns: "sgp", name: "fresh" }, "c-fresh");
    expect(r.json.msg).toBe(ADD_REFUSED);
    const details = String(r.json.details);
    expect(details).toContain("pod sgp/fresh (uid ");
    expect(details).toContain("first seen at this ADD: registered and scheduled on this node just now");
    // Whatever the controller has done by then, the 60 s delay is named as what is ahead.
    expect(details).toMatch(/provisioning delay \(fixed 60000ms|annotation expected in \d+\.\d s/);
  });

  it("says when the node is at its branch ENI capacity and when the controller retries", async () => {
    // The two pods above hold the node's only branch slot now: the next one waits for capacity.
    await d.control.SetFaults({ branch_capacity_override: 1 });
    await d.control.CreatePod({ namespace: "sgp", name: "web-full", schedule: true });
    await until("capacity wait", async () =>
      (await d.control.ListEvents({ namespace: "sgp", name: "web-full" })).events.some((e) => e.reason === "BranchAllocationFailed"));
    const r = await cniAdd(conf("http2"), { ns: "sgp", name: "web-full" }, "c-full");
    expect(r.json.msg).toBe(ADD_REFUSED);
    expect(String(r.json.details)).toMatch(/pod sgp\/web-full .*the node is at its branch ENI capacity \(limit 1\): the fake VPC resource controller retries in \d+\.\d s/);
  });

  it("leaves a successful ADD alone: a pod no policy matches gets a secondary IP", async () => {
    const ok = await cniAdd(conf("http2"), { ns: "default", name: "plain" }, "c-plain");
    expect(ok.code, JSON.stringify(ok.json)).toBe(0);
  });
});
