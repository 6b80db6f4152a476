// The verb dispatcher (model: Go pkg/skel): environment, stdin and stdout come in as values, the
// verbs as plain functions; it prints exactly one JSON document (result or error) and returns the
// exit code. Nothing else in the plugin formats protocol JSON.
import { parseCniArgs, type K8sArgs } from "./args.js";
import { convertResult } from "./convert.js";
import { parseCommand, parseEnv, type CniEnv, type Env, type Verb } from "./env.js";
import { CniCode, CniError, toCniError } from "./errors.js";
import { createLogger, type Logger } from "./log.js";
import { parseNetConf, type NetConf } from "./netconf.js";
import type { Result110 } from "./types110.js";
import { isSupportedVersion, LATEST_VERSION, versionAtLeast, versionInfo } from "./version.js";

export interface VerbArgs {
  env: CniEnv;
  k8s: K8sArgs;
  conf: NetConf;
}

export interface VerbTable {
  add(a: VerbArgs, log: Logger): Promise<Result110>;
  del(a: VerbArgs, log: Logger): Promise<void>;
  check(a: VerbArgs, log: Logger): Promise<void>;
  gc(a: VerbArgs, log: Logger): Promise<void>;
  status(a: VerbArgs, log: Logger): Promise<void>;
}

export interface PluginIO {
  env: Env;
  /** Read lazily: VERSION ignores stdin, and a runtime may leave it open. */
  readStdin(): Promise<Uint8Array | string>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The verb's logger once the netconf is known (pluginLogFile); default: stderr. */
  openLog?(conf: NetConf): Logger;
}

/** The lowest config version that allows each verb (spec: CHECK 0.4.0, GC and STATUS 1.1.0). */
const MIN_VERSION: Partial<Record<Verb, string>> = { CHECK: "0.4.0", GC: "1.1.0", STATUS: "1.1.0" };

function gate(verb: Verb, conf: NetConf): void {
  const min = MIN_VERSION[verb];
  if (min !== undefined && !versionAtLeast(conf.cniVersion, min)) {
    throw new CniError(CniCode.IncompatibleVersion, `config version does not allow ${verb}`, {
      details: `config is "${conf.cniVersion}", ${verb} needs ${min} or later`,
    });
  }
}

async function call(verb: Verb, a: VerbArgs, verbs: VerbTable, log: Logger): Promise<Result110 | undefined> {
  switch (verb) {
    case "ADD":
      return verbs.add(a, log);
    case "DEL":
      return void (await verbs.del(a, log));
    case "CHECK":
      return void (await verbs.check(a, log));
    case "GC":
      return void (await verbs.gc(a, log));
    case "STATUS":
      return void (await verbs.status(a, log));
    case "VERSION":
      throw new CniError(CniCode.Generic, "VERSION is answered by the dispatcher");
  }
}

/** Runs one invocation; returns the process exit code (0 success, 1 error as Go's skel). */
export async function runPlugin(io: PluginIO, verbs: VerbTable): Promise<number> {
  let errVersion: string = LATEST_VERSION;
  let log = createLogger("info", io.stderr);
  try {
    const command = parseCommand(io.env);
    if (command === "VERSION") {
      io.stdout(`${JSON.stringify(versionInfo())}\n`);
      return 0;
    }
    // stdin first, so even an env error answers in the caller's cniVersion.
    const stdin = await io.readStdin();
    errVersion = guessVersion(stdin) ?? LATEST_VERSION;
    const env = parseEnv(io.env);
    const conf = parseNetConf(stdin);
    gate(command, conf);
    const k8s = parseCniArgs(env.args);
    log = (io.openLog?.(conf) ?? createLogger(conf.pluginLogLevel, io.stderr)).with({
      verb: command,
      containerId: env.containerId,
      pod: k8s.podName === "" ? undefined : `${k8s.podNamespace}/${k8s.podName}`,
    });
    const result = await call(command, { env, k8s, conf }, verbs, log);
    if (result !== undefined) io.stdout(`${JSON.stringify(convertResult(result, conf.cniVersion))}\n`);
    return 0;
  } catch (e) {
    const err = toCniError(e);
    log.error(err.message, { code: err.code, details: err.details, cause: err.cause });
    io.stdout(`${JSON.stringify(err.toJSON(errVersion))}\n`);
    return 1;
  }
}

/** The config's cniVersion when it is a supported one, so errors answer in the caller's version. */
function guessVersion(stdin: Uint8Array | string): string | undefined {
  try {
    const text = typeof stdin === "string" ? stdin : Buffer.from(stdin).toString("utf8");
    const m = /"cniVersion"\s*:\s*"([^"]*)"/.exec(text.length > 65536 ? text.slice(0, 65536) : text);
    return m !== null && isSupportedVersion(m[1]) ? m[1] : undefined;
  } catch {
    return undefined;
  }
}
