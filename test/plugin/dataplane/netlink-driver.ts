// Runs the iproute2 dataplane under Bun with one of its two op runners (`ip -batch` or rtnetlink
// through bun:ffi), for netlink.int.test.ts: argv[2] = "ip" | "netlink", a JSON request on stdin,
// a JSON answer on stdout. Not part of the plugin; the test spawns it with the bundled bun.
import { readFileSync } from "node:fs";
import type { NetnsPath } from "../../../common/boundary/index.js";
import type { Op } from "../../../plugin/dataplane/ops.js";
import { bunBatchRunner, bunRuntime } from "../../../plugin/dataplane/bun-runner.js";
import { batchOpRunner, guardBatch } from "../../../plugin/dataplane/batch.js";
import { createIproute2Dataplane } from "../../../plugin/dataplane/iproute2.js";
import { loadLibc } from "../../../plugin/dataplane/netlink/libc.js";
import { netlinkOpRunner } from "../../../plugin/dataplane/netlink/runner.js";

interface Request {
  action: "setup" | "teardown" | "check" | "ops";
  stateDir: string;
  kind?: "vlan" | "macvlan";
  spec: never;
  ops?: Op[];
  netns?: NetnsPath;
  force?: boolean;
}

const mode = process.argv[2];
const req = JSON.parse(readFileSync(0, "utf8")) as Request;
const bun = bunRuntime()!;
const ops = mode === "netlink" ? netlinkOpRunner(loadLibc()) : batchOpRunner(guardBatch(bunBatchRunner(bun, { ipPath: "/usr/sbin/ip", nsenterPath: "/usr/bin/nsenter" })));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const dp = createIproute2Dataplane({ log: quiet as never, ops, stateDir: req.stateDir, ...(req.kind ? { branchLinkKind: req.kind } : {}) });
const signal = AbortSignal.timeout(10_000);
try {
  let result: unknown;
  if (req.action === "setup") result = await dp.setup(req.spec, signal);
  else if (req.action === "teardown") result = await dp.teardown(req.spec, signal);
  else if (req.action === "check") result = await dp.check(req.spec, signal);
  else result = await ops(req.ops ?? [], { ...(req.netns ? { netns: req.netns } : {}), force: req.force === true }, signal);
  process.stdout.write(JSON.stringify({ ok: true, result: result ?? null }));
} catch (e) {
  const err = e as { code?: number; message?: string; details?: string };
  process.stdout.write(JSON.stringify({ ok: false, error: { code: err.code, msg: err.message, details: err.details } }));
}
