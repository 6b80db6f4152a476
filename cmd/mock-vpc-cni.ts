// Entry point of the mock-vpc-cni binary: wires process env, stdin and stdout into the dispatcher.
// Everything a verb needs (gRPC client, dataplane) is imported lazily so VERSION starts fast.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createLogger, type Logger } from "../plugin/cni/log.js";
import { MAX_NETCONF_BYTES, type NetConf } from "../plugin/cni/netconf.js";
import { runPlugin, type VerbTable } from "../plugin/cni/skel.js";

/** Bun's stdin (a Blob with a stream): process.stdin there costs about 25 ms of CPU (README, Performance). */
const bunStdin = (globalThis as { Bun?: { stdin: { stream(): ReadableStream<Uint8Array> } } }).Bun?.stdin;

/** Reads stdin up to one byte past the cap, so the dispatcher can refuse huge input clearly. */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const source: AsyncIterable<Uint8Array> = bunStdin === undefined ? (process.stdin as AsyncIterable<Buffer>) : readerOf(bunStdin.stream());
  for await (const chunk of source) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > MAX_NETCONF_BYTES) break;
  }
  return Buffer.concat(chunks);
}

async function* readerOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Synchronous writes: the process exits right after, and stdout must hold the whole document. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}

/**
 * pluginLogFile when set (appended, like aws-cni's plugin.log), else stderr. aws-cni takes "stdout"
 * (any case) as its stdout; that would break the one-document rule, so it means stderr here, never
 * a file named "stdout" in the runtime's working directory.
 */
function openLog(conf: NetConf): Logger {
  const target = conf.pluginLogFile.toLowerCase();
  if (target === "" || target === "stderr" || target === "stdout") {
    return createLogger(conf.pluginLogLevel, (l) => writeAll(2, l));
  }
  const path = conf.pluginLogFile;
  let dirReady = false;
  return createLogger(conf.pluginLogLevel, (line) => {
    // Like aws-cni's lumberjack writer, create the log's directory (e.g. /var/log/aws-routed-eni).
    if (!dirReady) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      dirReady = true;
    }
    const fd = openSync(path, "a", 0o644);
    try {
      writeAll(fd, line);
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * The verbs and everything they load, imported only for a verb that needs them (not VERSION); for
 * those it starts at once, so that loading the chunk overlaps reading stdin.
 */
let verbTable: Promise<VerbTable> | undefined;
const verbs = (): Promise<VerbTable> => (verbTable ??= import("../plugin/verbs/table.js").then((m) => m.processVerbs));
const command = process.env.CNI_COMMAND;
if (command !== undefined && command !== "" && command !== "VERSION") void verbs().catch(() => {});

const lazyVerbs: VerbTable = {
  add: async (a, log) => (await verbs()).add(a, log),
  del: async (a, log) => (await verbs()).del(a, log),
  check: async (a, log) => (await verbs()).check(a, log),
  gc: async (a, log) => (await verbs()).gc(a, log),
  status: async (a, log) => (await verbs()).status(a, log),
};

// No top-level await: a --bytecode build as CommonJS (measure-binary's comparison) does not allow it.
void runPlugin(
  {
    env: process.env,
    readStdin,
    stdout: (t) => writeAll(1, t),
    stderr: (t) => writeAll(2, t),
    openLog,
  },
  lazyVerbs,
).then(
  // Exit at once: an idle gRPC channel or stdin listener must not keep the runtime waiting.
  (code) => process.exit(code),
  (e: unknown) => {
    writeAll(2, `mock-vpc-cni: internal error: ${String(e)}\n`);
    process.exit(1);
  },
);
