// The built mock-ipamd for the plugin benchmarks (a large node, IP cooldown 0 so that leases are
// reused at once, nothing else listening), or the stub rpc.CNIBackend when the daemon is not built.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startStubIpamd } from "./stub-ipamd.mjs";

async function startRealDaemon(root, dir) {
  const js = join(root, "dist", "cmd", "mock-ipamd.js");
  if (!existsSync(js)) return undefined;
  const args = [js, "--listen", `unix://${dir}/ipamd.sock`, "--state-dir", dir, "--instance-type", "m5.4xlarge", "--ip-cooldown", "0s", "--host-links", "off", "--introspection", "off", "--metrics", "off", "--log-level", "warn"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const ready = await new Promise((res) => {
    const timer = setTimeout(() => res(false), 20_000);
    createInterface({ input: child.stdout }).on("line", (l) => l.includes('"msg":"ready"') && (clearTimeout(timer), res(true)));
    child.once("exit", () => (clearTimeout(timer), res(false)));
  });
  if (!ready) {
    child.kill("SIGKILL");
    return undefined;
  }
  const exited = new Promise((r) => child.once("exit", r));
  return { address: `unix://${dir}/ipamd.sock`, kind: "mock-ipamd", pid: child.pid, stop: async () => (child.kill("SIGTERM"), await exited) };
}

/** { address, kind, stop() } of mock-ipamd under `dir`, else of the stub. */
export async function startBenchDaemon(root, dir) {
  return (await startRealDaemon(root, dir)) ?? (await startStubIpamd(root, join(dir, "stub.sock")));
}
