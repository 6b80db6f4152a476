// `cluster up` and `cluster down` around crashes: usage errors change nothing (exit 2); an `up`
// killed with -9 half-way leaves a state that a second `up` refuses, naming the exact command;
// kill -9 of a node's containerd (its shims and pause processes left running) changes nothing for
// `down`, which removes everything from the state file and leaves the host as it was; a second
// `down` has nothing left to do.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { netnsInode } from "../../../harness/cluster/proc.js";
import { StateFile } from "../../../harness/cluster/state.js";
import { describeIf, missingOf, needRoot } from "../../helpers/prereq.js";
import { eventually } from "../../helpers/wait.js";
import type { HostSnapshot } from "./helpers.js";
import { HARNESS_JS, cli, clusterPaths, clusterProcesses, hostSnapshot, kubectl, podYaml } from "./helpers.js";

const missing = missingOf(needRoot(), ["/usr/bin/containerd", "/usr/sbin/runc", "/usr/bin/kubectl"].filter((p) => !existsSync(p)).join(", "));
const NAME = "tk";
const { stateDir, kubeconfig } = clusterPaths(NAME);
const DOWN = `vpc-cni-harness cluster down --state-dir ${stateDir}`;

describeIf(missing, "cluster up/down after crashes", () => {
  let before: HostSnapshot;

  beforeAll(async () => {
    before = await hostSnapshot();
  });

  afterAll(async () => {
    if (existsSync(stateDir)) await cli(["cluster", "down", "--state-dir", stateDir]);
  }, 120_000);

  it.each([
    [["--nodes", "0"], /--nodes 0/],
    [["--name", "No!"], /--name "No!"/],
    [["--vpc-cidr", "10.0.0.0/8"], /10\.0\.0\.0\/8/],
    [["--bogus"], /unknown option '--bogus'/],
  ])("refuses `cluster up %s` with exit 2 before anything starts", async (args, message) => {
    const r = await cli(["cluster", "up", "--name", NAME, "--state-dir", stateDir, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(stateDir)).toBe(false);
  });

  it("refuses to restart the API server (exit 2), and says there is nothing to remove without a state", async () => {
    const r = await cli(["cluster", "restart", "api-server", "--state-dir", stateDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the API server keeps the cluster in memory");
    const d = await cli(["cluster", "down", "--state-dir", stateDir]);
    expect([d.code, d.stdout.trim()]).toEqual([0, `no cluster state in ${stateDir}: nothing to remove`]);
  });

  it("refuses an `up` over the state of one killed with -9 half-way, naming the command that removes it", async () => {
    const child = spawn(process.execPath, [HARNESS_JS, "cluster", "up", "--nodes", "2", "--name", NAME, "--state-dir", stateDir, "--kubeconfig", kubeconfig], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => void (out += d.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    // Half-way: one node's containerd runs (with the API server and the controller on the host).
    await eventually("`up` to reach a node's containerd", () => /containerd ready/.test(out), 240_000, 100);
    child.kill("SIGKILL");
    await exited;
    const r = await cli(["cluster", "up", "--nodes", "2", "--name", NAME, "--state-dir", stateDir, "--kubeconfig", kubeconfig]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cluster "${NAME}" is left over: a previous \`cluster up\` did not finish`);
    expect(r.stderr).toContain(`remove it first with: ${DOWN}`);
  }, 300_000);

  it("removes everything with `down` after the killed `up` and a killed containerd, leaving the host as it was", async () => {
    const s = await StateFile.read(stateDir);
    const inodes = (await Promise.all((s?.nodes ?? []).map((n) => netnsInode(`/run/netns/${n.netns}`)))).filter((i): i is number => i !== undefined);
    // A sandbox running, then its containerd killed: the shim and the pause process live on.
    if (existsSync(kubeconfig)) {
      const node = s?.nodes.find((n) => s.processes.some((p) => p.role === "kubelet" && p.node === n.name))?.name;
      if (node !== undefined) await kubectl(kubeconfig, ["apply", "-f", "-"], podYaml({ name: "lonely", namespace: "default", node }));
    }
    for (const p of s?.processes.filter((x) => x.role === "containerd") ?? []) process.kill(p.pid, "SIGKILL");
    const r = await cli(["cluster", "down", "--state-dir", stateDir]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await hostSnapshot()).toEqual(before);
    expect(await clusterProcesses(stateDir, inodes)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
    const again = await cli(["cluster", "down", "--state-dir", stateDir]);
    expect(again.stdout).toContain("nothing to remove");
  }, 180_000);
});
