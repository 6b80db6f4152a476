// Where run records live: /run (tmpfs, like the network namespaces they describe, gone at reboot)
// as root; the user's runtime dir, or a per-user dir under the temp dir, otherwise.

import { tmpdir } from "node:os";
import { join } from "node:path";

export function runsDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): string {
  if (uid === 0) return "/run/vpc-cni-harness/runs";
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime.startsWith("/") ? join(runtime, "vpc-cni-harness", "runs") : join(tmpdir(), `vpc-cni-harness-${uid}`, "runs");
}

/** Temp dirs of runs are named so (and only such a dir is ever removed by a cleanup). */
export const RUN_DIR_PREFIX = "vpc-cni-harness-";
