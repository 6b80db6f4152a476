// The full node under test: mock-ipamd (built, on a temp socket) + a private containerd whose
// default CNI network is mock-vpc-cni (+ portmap), and optionally a "bridge" runtime handler with
// Debian's bridge + host-local for side-by-side comparisons.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DAEMON_JS, REPO_ROOT, startDaemon } from "../helpers/daemon.js";
import type { StartedDaemon } from "../helpers/daemon.js";
import { bridgeConflist, mockVpcCniConflist } from "./conflists.js";
import { startContainerd } from "./env.js";
import type { ContainerdEnv } from "./env.js";

export const PLUGIN_BIN = join(REPO_ROOT, "dist", "bin", "mock-vpc-cni");
export const BRIDGE_HANDLER = "bridge";

export interface StackOptions {
  /** Extra mock-ipamd flags, e.g. ["--sgp-namespace", "sgp", "--provisioning-delay", "2s"]. */
  daemonArgs?: string[];
  /** Record every plugin exec (ContainerdEnv.cniCalls); tests only, it adds a shell per exec. */
  recordCalls?: boolean;
  /** Replace the default conflist (e.g. deploy/'s), given the run dir and the daemon's address. */
  conflist?: (dir: string, ipamdAddress: string) => object;
  /** Add the "bridge" runtime handler (bridge + host-local), for comparisons. */
  withBridge?: boolean;
}

export interface Stack {
  env: ContainerdEnv;
  daemon: StartedDaemon;
  bridgeName: string;
  pluginLog: string;
  stop(): Promise<void>;
}

/** Why the stack cannot run here, or undefined when it can. */
export function stackUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root: containerd, network namespaces";
  if (!existsSync("/usr/bin/containerd") || !existsSync("/usr/lib/cni/portmap")) return "needs Debian's containerd and containernetworking-plugins (scripts/ensure-deps.sh)";
  if (!existsSync(PLUGIN_BIN) || !existsSync(DAEMON_JS)) return "needs `npm run build` (dist/bin/mock-vpc-cni, dist/cmd/mock-ipamd.js)";
  return undefined;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  // Host links on: the trunk link must exist on the host, it is the parent of vlan.eth.<id>.
  const daemon = await startDaemon({ args: o.daemonArgs ?? [], hostLinks: "on" });
  const bridgeName = `vchb${process.pid.toString(16).slice(-6)}`;
  let pluginLog = "";
  let env: ContainerdEnv;
  try {
    env = await startContainerd({
      conflist: (dir) => {
        pluginLog = join(dir, "plugin.log");
        return o.conflist?.(dir, daemon.address) ?? mockVpcCniConflist({ ipamdAddress: daemon.address, pluginLogFile: pluginLog });
      },
      ...(o.withBridge === true
        ? { handlerConflists: { [BRIDGE_HANDLER]: (dir: string) => bridgeConflist({ bridge: bridgeName, subnet: "10.251.0.0/24", dataDir: join(dir, "host-local") }) } }
        : {}),
      plugins: [PLUGIN_BIN],
      recordCalls: o.recordCalls === true,
      cleanupLinks: [bridgeName],
    });
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return {
    env,
    daemon,
    bridgeName,
    pluginLog,
    async stop() {
      // containerd first: its teardown runs the plugin's DELs, which need the daemon.
      await env.stop();
      await daemon.stop();
    },
  };
}
