// `vpc-cni-harness scenario run basic --real --serve-api 127.0.0.1:0`: the real-time run's cluster
// served to kubectl while it runs. The run names the API and its kubeconfig first; kubectl's own
// watch (started on that line) sees the SGP pod reach Running through the served API; the run
// then passes its expectations as without the flag, and the API is gone with it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, it } from "vitest";
import { needKubectl } from "../../helpers/apiserver.js";
import { REPO_ROOT } from "../../helpers/daemon.js";
import { exitAfterOutput } from "../../helpers/process.js";
import { kubectlWatch } from "../../helpers/kubectl-watch.js";
import type { KubectlWatch } from "../../helpers/kubectl-watch.js";
import { describeIf } from "../../helpers/prereq.js";

const CLI = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");

describeIf(needKubectl(), "vpc-cni-harness scenario run --real --serve-api", () => {
  it("serves the run to kubectl's watch, and still passes", async () => {
    const child = spawn(process.execPath, [CLI, "scenario", "run", "basic", "--real", "--serve-api", "127.0.0.1:0", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = exitAfterOutput(child).then((e) => e.code);
    const lines: Record<string, unknown>[] = [];
    let watch: KubectlWatch | undefined;
    let kubeconfig = "";
    createInterface({ input: child.stdout }).on("line", (l) => {
      try {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        return;
      }
      const text = String(lines.at(-1)?.text ?? "");
      if (lines.at(-1)?.kind !== "info" || !text.startsWith("Kubernetes API of this run: ")) return;
      kubeconfig = /\(kubeconfig (\S+),/.exec(text)?.[1] ?? "";
      watch = kubectlWatch(kubeconfig, ["get", "pods", "-A", "-w", "-o", String.raw`jsonpath={.metadata.name} {.status.phase}{"\n"}`], (x) => x === "sgp-pod Running");
    });
    const code = await exited;
    expect(watch, JSON.stringify(lines.slice(0, 3))).toBeDefined();
    expect(await watch?.line).toBe("sgp-pod Running");
    expect(lines.some((l) => l.kind === "info" && String(l.text).startsWith(`watch it: kubectl --kubeconfig ${kubeconfig} get pods -A -w`))).toBe(true);
    const result = lines.at(-1) ?? {};
    expect(result.differences).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(code).toBe(0);
    expect(existsSync(kubeconfig)).toBe(false);
  });
});
