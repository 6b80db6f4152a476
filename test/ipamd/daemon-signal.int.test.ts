// mock-ipamd and a SIGTERM that arrives during start-up (while host links are being made): the
// daemon still shuts down cleanly (exit 0, "stopped", no link of its prefix left), never dies
// half-made nor keeps running with the signal swallowed (execa's signal-exit handler did that).

import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { DAEMON_JS } from "../helpers/daemon.js";
import { exitAfterOutput } from "../helpers/process.js";

const isRoot = process.getuid?.() === 0;

function linksWithPrefix(prefix: string): string[] {
  if (!isRoot) return [];
  return execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(":")[1]?.trim().split("@")[0] ?? "")
    .filter((name) => name.startsWith(prefix));
}

/** Starts the daemon, sends SIGTERM at its first log line (start-up has just begun); returns how it exited, its log messages and the links it left (then removed). */
async function termDuringStartup(prefix: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; msgs: string[]; leftLinks: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "r2-sigterm-"));
  const child = spawn(process.execPath, [DAEMON_JS, "--listen", `unix://${dir}/ipamd.sock`, "--state-dir", join(dir, "state"),
    "--introspection", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--host-links", isRoot ? "on" : "off", "--host-link-prefix", prefix], { stdio: ["ignore", "pipe", "inherit"] });
  const msgs: string[] = [];
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const msg = String((JSON.parse(line) as { msg?: unknown }).msg);
      if (msgs.push(msg) === 1) child.kill("SIGTERM");
    });
    const { code, signal } = await exitAfterOutput(child);
    return { code, signal, msgs, leftLinks: linksWithPrefix(prefix) };
  } finally {
    clearTimeout(killer);
    for (const l of linksWithPrefix(prefix)) execFileSync("ip", ["link", "del", l], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("mock-ipamd: SIGTERM during start-up", () => {
  it("ends in a clean shutdown: exit 0, 'stopped' logged, no host link left", async () => {
    // A few tries, since the signal lands at a slightly different point of start-up each time.
    for (let i = 0; i < 3; i++) {
      const prefix = `s${process.pid % 1000}${i}-`;
      const r = await termDuringStartup(prefix);
      expect({ code: r.code, signal: r.signal, stopped: r.msgs.includes("stopped"), leftLinks: r.leftLinks }).toEqual({ code: 0, signal: null, stopped: true, leftLinks: [] });
    }
  }, 90_000);
});
