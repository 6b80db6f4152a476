// Drives conflists through the real libcni (test/fixtures/libcni-client, built once from Debian's
// Go packages and cached under .cache/), like containerd does: ADD, CHECK, DEL with a result cache.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLIENT_SRC = join(REPO_ROOT, "test", "fixtures", "libcni-client");
export const LIBCNI_CLIENT = join(REPO_ROOT, ".cache", "libcni-client", "libcni-client");
export const DEBIAN_CNI_DIR = "/usr/lib/cni";

/** True when Go and Debian's libcni sources are installed (scripts/ensure-deps.sh installs them). */
export function canBuildLibcniClient(): boolean {
  return existsSync("/usr/share/gocode/src/github.com/containernetworking/cni/libcni") && whichGo() !== undefined;
}

function whichGo(): string | undefined {
  return ["/usr/bin/go", "/usr/lib/go/bin/go"].find((p) => existsSync(p));
}

/** Builds (or reuses) the client; GOPATH mode, offline (docs/REFERENCE.md §6). */
export function buildLibcniClient(): string {
  mkdirSync(dirname(LIBCNI_CLIENT), { recursive: true });
  execFileSync("bash", [join(CLIENT_SRC, "build.sh"), LIBCNI_CLIENT], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, GOCACHE: join(REPO_ROOT, ".cache", "go-build") },
  });
  return LIBCNI_CLIENT;
}

export interface LibcniCall {
  cmd: "add" | "check" | "del";
  conflist: string;
  containerId: string;
  netns: string;
  ifName?: string;
  /** CNI_ARGS pairs (libcni passes them in the given order). */
  args?: Record<string, string>;
  capabilityArgs?: Record<string, unknown>;
  cacheDir: string;
  /** CNI_PATH directories: our binary's dir first, then Debian's plugins. */
  path: string[];
  timeoutMs?: number;
  /** Environment of the client and so of every plugin it execs (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export type LibcniOutcome = { ok: true; result: Record<string, unknown> | undefined; ms: number } | { ok: false; error: string; ms: number };

/** Runs the client; never throws for a plugin failure (the outcome says so), only for a crash. */
export function runLibcni(call: LibcniCall): Promise<LibcniOutcome> {
  const argv = [
    "-cmd", call.cmd, "-conflist", call.conflist, "-id", call.containerId, "-netns", call.netns,
    "-ifname", call.ifName ?? "eth0", "-cache-dir", call.cacheDir, "-path", call.path.join(":"),
    "-args", Object.entries(call.args ?? {}).map(([k, v]) => `${k}=${v}`).join(";"),
    "-timeout", `${call.timeoutMs ?? 30_000}ms`,
    ...(call.capabilityArgs ? ["-cap-args", JSON.stringify(call.capabilityArgs)] : []),
  ];
  const started = performance.now();
  return new Promise((res, rej) => {
    execFile(LIBCNI_CLIENT, argv, { timeout: (call.timeoutMs ?? 30_000) + 5000, env: call.env ?? process.env }, (err, stdout, stderr) => {
      const ms = performance.now() - started;
      const text = stdout.trim();
      if (err === null) {
        res({ ok: true, result: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>), ms });
        return;
      }
      try {
        res({ ok: false, error: String((JSON.parse(text) as { error: unknown }).error), ms });
      } catch {
        rej(new Error(`libcni-client crashed: ${String(err)}; stderr: ${stderr}`));
      }
    });
  });
}

/** A temp dir holding a conflist and the libcni cache; `remove()` deletes it. */
export function writeConflist(conflist: Record<string, unknown>): { dir: string; file: string; cacheDir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "libcni-"));
  const file = join(dir, "net.conflist");
  writeFileSync(file, JSON.stringify(conflist, null, 2));
  return { dir, file, cacheDir: join(dir, "cache"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
