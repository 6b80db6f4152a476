// Starts the built mock-ipamd (dist/cmd/mock-ipamd.js) on a temp Unix socket and waits for its
// "ready" log line; for integration tests of the plugin, the runtime, containerd and the daemon.
// Needs `npm run build` (or BUILD_ALLOW_TYPE_ERRORS=1 npm run build) first.

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cniBackendClient, controlClient } from "../../ipamd/server/control-client.js";
import type { CniBackendClient, ControlClient } from "../../ipamd/server/control-client.js";
import { startReadyProcess } from "./process.js";
import type { ReadyProcess } from "./process.js";

export { cniBackendClient, controlClient };
export type { CniBackendClient, ControlClient };

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DAEMON_JS = join(REPO_ROOT, "dist", "cmd", "mock-ipamd.js");

export interface StartDaemonOptions {
  /** Extra flags, e.g. ["--provisioning-delay", "500ms", "--sgp-namespace", "sgp"]. */
  args?: string[];
  env?: Record<string, string>;
  /** Reuse a state dir (restart from its checkpoint); a fresh temp dir otherwise. */
  stateDir?: string;
  /** How long to wait for the ready line (default 20 s). */
  readyTimeoutMs?: number;
  /** Default "off" so tests never touch the host's links; pass "auto" or "on" to get them (with a unique --host-link-prefix unless args set one). */
  hostLinks?: "auto" | "on" | "off";
  /** Flags for node itself, e.g. ["--cpu-prof"]. */
  nodeArgs?: string[];
  /** Another build of the daemon (default dist/cmd/mock-ipamd.js), e.g. for a before/after benchmark. */
  daemonJs?: string;
  /** Keep every JSON log line in `logs` (default true; a benchmark at log level info may not want the cost). */
  keepLogs?: boolean;
}

export interface StartedDaemon {
  /** unix:///.../ipamd.sock (or host:port with --listen in args): the netconf's ipamdAddress. */
  address: string;
  /** unix:///.../control.sock (or what --control in args says): the control API. */
  controlAddress: string;
  socketPath: string;
  stateDir: string;
  introspectionUrl: string;
  metricsUrl: string;
  process: ChildProcess;
  control: ControlClient;
  /** Every JSON log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** SIGTERM (default) waits for a clean exit; SIGKILL kills at once. Removes the temp state dir only when it created it and keepState is false. */
  stop(signal?: "SIGTERM" | "SIGKILL", opts?: { keepState?: boolean }): Promise<number | null>;
}

let started = 0;

export async function startDaemon(opts: StartDaemonOptions = {}): Promise<StartedDaemon> {
  // Daemons started in parallel (test files, demo) must not share host link names: each one
  // removes "stale" links of its prefix at start. A short unique prefix unless the caller chose one.
  const hostLinks = opts.hostLinks ?? "off";
  const ownPrefix = hostLinks !== "off" && !(opts.args ?? []).includes("--host-link-prefix");
  const prefixArgs = ownPrefix ? ["--host-link-prefix", `t${(process.pid * 10 + started++) % 100000}-`] : [];
  const ownDir = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "mock-ipamd-"));
  const socketPath = join(stateDir, "ipamd.sock");
  const args = [
    "--listen", `unix://${socketPath}`, "--state-dir", stateDir,
    "--introspection", "127.0.0.1:0", "--metrics", "127.0.0.1:0",
    "--host-links", hostLinks, ...prefixArgs, ...(opts.args ?? []),
  ];
  let p: ReadyProcess;
  try {
    p = await startReadyProcess(opts.daemonJs ?? DAEMON_JS, args, {
      name: "mock-ipamd", env: opts.env, readyTimeoutMs: opts.readyTimeoutMs ?? 20_000, nodeArgs: opts.nodeArgs, keepLogs: opts.keepLogs,
    });
  } catch (e) {
    // startReadyProcess killed a daemon that did not come up; remove our temp dir too.
    if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    throw e;
  }
  const { ready } = p;
  // The ready line names the real listener (a --listen in args overrides the socket, e.g. 127.0.0.1:0).
  const address = typeof ready.grpc === "string" ? ready.grpc : `unix://${socketPath}`;
  // The control API has its own socket (README, Security), named in the ready line.
  const controlAddress = typeof ready.control === "string" ? ready.control : `unix://${join(stateDir, "control.sock")}`;
  const control = controlClient(controlAddress);
  return {
    address,
    controlAddress,
    socketPath,
    stateDir,
    introspectionUrl: `http://${String(ready.introspection)}`,
    metricsUrl: `http://${String(ready.metrics)}/metrics`,
    process: p.process,
    control,
    logs: p.logs,
    async stop(signal = "SIGTERM", stopOpts = {}) {
      control.close();
      const code = await p.stop(signal);
      if (ownDir && stopOpts.keepState !== true) rmSync(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}
