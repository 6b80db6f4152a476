// kubectl's watch (`get ... -w`) as an event to wait on: resolves with the first output line that
// satisfies `until`, then stops kubectl. No clock: the watch's own events end the wait (the test's
// timeout turns a hang into a failure).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { kubectlPath } from "./apiserver.js";

export interface KubectlWatch {
  /** The first line that satisfied `until`. */
  line: Promise<string>;
  /** Every line so far. */
  lines: string[];
  stop(): void;
}

export function kubectlWatch(kubeconfig: string, args: readonly string[], until: (line: string) => boolean): KubectlWatch {
  const child = spawn(kubectlPath() ?? "kubectl", ["--kubeconfig", kubeconfig, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)));
  const line = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (l) => {
      lines.push(l);
      if (until(l)) {
        resolve(l);
        child.kill("SIGTERM");
      }
    });
    child.once("exit", (code) => reject(new Error(`kubectl ${args.join(" ")} ended (${String(code)}) before the awaited line; stderr: ${stderr}; lines: ${lines.slice(-5).join(" | ")}`)));
  });
  return { line, lines, stop: () => void child.kill("SIGTERM") };
}
