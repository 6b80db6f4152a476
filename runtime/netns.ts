// Network namespaces for sandboxes: real ones via `ip netns` (root), or fake paths (plain files in
// a temp dir) when not root, so the loop runs the same way without touching the host.

import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { HarnessError } from "../common/errors.js";

export interface NetnsManager {
  readonly real: boolean;
  /** Creates a namespace named like containerd's (`cni-<uuid>`) and returns its path. */
  create(signal?: AbortSignal): Promise<string>;
  /** Removes it; absent is fine (idempotent, as containerd's RemovePodSandbox is). */
  remove(path: string): Promise<void>;
}

const IP_TIMEOUT_MS = 10_000;
const REMOVE_ATTEMPTS = 5;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export interface RealNetnsOptions {
  /** Called with the name before `ip netns add`, e.g. to record it for a later cleanup. */
  beforeCreate?: (name: string) => Promise<void>;
}

/** `ip netns add/delete`: the namespace is bind-mounted at /run/netns/<name>. */
export function realNetns(options: RealNetnsOptions = {}): NetnsManager {
  return {
    real: true,
    async create(signal) {
      const name = `cni-${randomUUID()}`;
      await options.beforeCreate?.(name);
      // detached: a terminal's Ctrl-C reaches the runtime, not `ip` half-way through making the netns.
      const r = await execa("ip", ["netns", "add", name], { reject: false, timeout: IP_TIMEOUT_MS, detached: true, ...(signal ? { cancelSignal: signal } : {}) });
      if (r.exitCode !== 0) throw new HarnessError("internal", `failed to create network namespace ${name}: ${r.stderr.trim() || r.shortMessage}`);
      return `/run/netns/${name}`;
    },
    async remove(path) {
      // "Device or resource busy" while a just-exited process still pins the netns: retry briefly.
      let stderr = "";
      for (let attempt = 0; attempt < REMOVE_ATTEMPTS; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * attempt));
        const r = await execa("ip", ["netns", "delete", nameOf(path)], { reject: false, timeout: IP_TIMEOUT_MS, detached: true });
        if (r.exitCode === 0 || /No such file or directory/.test(r.stderr)) return;
        stderr = r.stderr.trim();
      }
      throw new HarnessError("internal", `failed to remove network namespace ${path}: ${stderr}`);
    },
  };
}

/** Plain files standing in for netns paths (non-root runs with `dataplane: none`). */
export function fakeNetns(dir: string): NetnsManager {
  return {
    real: false,
    async create() {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `cni-${randomUUID()}`);
      await writeFile(path, "");
      return path;
    },
    async remove(path) {
      await rm(path, { force: true });
    },
  };
}

/** `ip -n <ns> -4 addr show <ifname>` (what the demo shows from inside the pod). */
export async function showAddress(path: string, ifName: string): Promise<string> {
  const r = await execa("ip", ["-n", nameOf(path), "-4", "addr", "show", ifName], { reject: false, timeout: IP_TIMEOUT_MS });
  return r.exitCode === 0 ? r.stdout : `(ip -n ${nameOf(path)} failed: ${r.stderr.trim()})`;
}
