// Exec'ing one plugin as libcni's invoke package does: find the binary on the bin-dir path, run it
// with the CNI environment and the config on stdin, under a deadline (killed past it), and parse
// its stdout as a result or as the CNI error object.

import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { HarnessError } from "../../common/errors.js";
import type { CniVerb, PluginErrorObject } from "./types.js";

/** invoke.FindInPath. */
export async function findPlugin(type: string, binDirs: readonly string[]): Promise<string> {
  if (type.includes("/")) throw new HarnessError("invalid-config", `invalid plugin type "${type}"`);
  for (const dir of binDirs) {
    const file = join(dir, type);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // next dir
    }
  }
  throw new HarnessError("not-found", `failed to find plugin "${type}" in path [${binDirs.join(" ")}]`);
}

export interface ExecRequest {
  binary: string;
  verb: CniVerb;
  containerId: string;
  netns: string;
  ifName: string;
  cniArgs: string;
  binDirs: readonly string[];
  stdin: string;
  timeoutMs: number;
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

export type ExecOutcome =
  | { ok: true; stdout: string; output: unknown }
  | { ok: false; message: string; output: unknown; pluginError: PluginErrorObject | undefined; timedOut: boolean };

/** types.Error.Error(): msg, plus "; details" when present. */
export function pluginErrorText(e: PluginErrorObject): string {
  return e.details !== undefined && e.details !== "" ? `${e.msg}; ${e.details}` : e.msg;
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asPluginError(v: unknown): PluginErrorObject | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.code !== "number" || typeof o.msg !== "string") return undefined;
  return { code: o.code, msg: o.msg, ...(typeof o.details === "string" ? { details: o.details } : {}) };
}

export async function execPlugin(req: ExecRequest): Promise<ExecOutcome> {
  // libcni sets all six variables, some empty (docs/REFERENCE.md §5).
  const env: Record<string, string> = {
    ...req.env,
    CNI_COMMAND: req.verb,
    CNI_CONTAINERID: req.containerId,
    CNI_NETNS: req.netns,
    CNI_IFNAME: req.ifName,
    CNI_ARGS: req.cniArgs,
    CNI_PATH: req.binDirs.join(":"),
  };
  const r = await execa(req.binary, [], {
    input: req.stdin,
    env,
    extendEnv: true,
    reject: false,
    timeout: req.timeoutMs,
    killSignal: "SIGKILL",
    // Its own process group, as under containerd: a terminal's Ctrl-C reaches the runtime (which then
    // undoes the attempt with DEL), never a plugin half-way through its dataplane changes.
    detached: true,
    ...(req.signal === undefined ? {} : { cancelSignal: req.signal }),
    stripFinalNewline: false,
  });
  const output = parseJson(r.stdout);
  if (r.timedOut) {
    return { ok: false, output, pluginError: undefined, timedOut: true, message: `netplugin failed: deadline of ${req.timeoutMs}ms exceeded: plugin killed (signal: killed)` };
  }
  if (r.isCanceled) return { ok: false, output, pluginError: undefined, timedOut: false, message: `netplugin failed: context canceled` };
  if (r.exitCode === 0 && r.signal === undefined) return { ok: true, stdout: r.stdout, output };
  const pluginError = asPluginError(output);
  if (pluginError !== undefined) return { ok: false, output, pluginError, timedOut: false, message: pluginErrorText(pluginError) };
  // invoke's pluginErr: no error object on stdout -> the exit status and stderr.
  const why = r.signal !== undefined ? `signal: ${r.signal}` : `exit status ${r.exitCode ?? "?"}`;
  return { ok: false, output, pluginError: undefined, timedOut: false, message: `netplugin failed with no error message: ${why}: ${JSON.stringify(r.stderr.trim())}` };
}
