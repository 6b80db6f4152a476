// Starts the built mock-ec2 (dist/cmd/mock-ec2.js) on a free loopback port with a temp state dir and
// waits for its "ready" line; for integration tests of the fake EC2 and its clients.
// Needs `npm run build` first.

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2HarnessClient } from "../../common/ec2/harness.js";
import type { Ec2HarnessClient } from "../../common/ec2/harness.js";
import { REPO_ROOT } from "./daemon.js";
import { startReadyProcess } from "./process.js";
import type { ReadyProcess } from "./process.js";

export const MOCK_EC2_JS = join(REPO_ROOT, "dist", "cmd", "mock-ec2.js");

export interface StartedMockEc2 {
  endpoint: string;
  stateDir: string;
  process: ChildProcess;
  harness: Ec2HarnessClient;
  /** Every JSON log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** The ready line. */
  ready: Record<string, unknown>;
  /** A raw SDK client (any credentials; the access key names the caller). */
  sdk(accessKeyId?: string, opts?: { maxAttempts?: number }): EC2Client;
  /** SIGTERM (default) waits for the exit; SIGKILL kills at once. Removes the state dir it made unless keepState. */
  stop(signal?: "SIGTERM" | "SIGKILL", opts?: { keepState?: boolean }): Promise<number | null>;
}

export async function startMockEc2(o: { args?: string[]; stateDir?: string; readyTimeoutMs?: number } = {}): Promise<StartedMockEc2> {
  const ownDir = o.stateDir === undefined;
  const stateDir = o.stateDir ?? mkdtempSync(join(tmpdir(), "mock-ec2-"));
  let p: ReadyProcess;
  try {
    p = await startReadyProcess(MOCK_EC2_JS, ["--listen", "127.0.0.1:0", "--state-dir", stateDir, ...(o.args ?? [])], {
      name: "mock-ec2", readyTimeoutMs: o.readyTimeoutMs ?? 20_000,
    });
  } catch (e) {
    if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    throw e;
  }
  const { ready } = p;
  const sdks: EC2Client[] = [];
  const endpoint = String(ready["endpoint"]);
  return {
    endpoint, stateDir, process: p.process, logs: p.logs, ready,
    harness: createEc2HarnessClient(endpoint),
    sdk(accessKeyId = "AKIDTEST", opts = {}) {
      const c = new EC2Client({ endpoint, region: "us-west-2", credentials: { accessKeyId, secretAccessKey: "x" }, maxAttempts: opts.maxAttempts ?? 3 });
      sdks.push(c);
      return c;
    },
    async stop(signal = "SIGTERM", opts = {}) {
      for (const c of sdks) c.destroy();
      const code = await p.stop(signal);
      if (ownDir && opts.keepState !== true) rmSync(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}
