// One plugin exec within a list operation: find the binary, exec it, report the exec, and turn a
// failure into libcni's wording `plugin type="x" name="y" failed (add): <msg>`.

import type { Clock } from "../../common/clock.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { execPlugin, findPlugin } from "./exec.js";
import { formatCniArgs, pluginDescription } from "./inject.js";
import type { CniRuntimeOptions, CniVerb, NetworkConfigList, PluginConf, RuntimeConf } from "./types.js";

export type Invoke = (
  verb: CniVerb,
  list: NetworkConfigList,
  plugin: PluginConf,
  rt: RuntimeConf,
  config: Record<string, unknown>,
  signal: AbortSignal | undefined,
) => Promise<unknown>;

const VERB_WORD: Record<CniVerb, string> = { ADD: "add", DEL: "delete", CHECK: "check", GC: "gc", STATUS: "status", VERSION: "version" };

export function createInvoker(opts: CniRuntimeOptions, clock: Clock): Invoke {
  return async (verb, list, plugin, rt, config, signal) => {
    const startedAt = clock.now();
    const record = (ok: boolean, error: string, output: unknown): void =>
      opts.onExec?.({
        verb, network: list.name, pluginType: plugin.type, pluginName: typeof plugin.name === "string" ? plugin.name : "",
        containerId: rt.containerId, ifName: rt.ifName, startedAt, durationMs: clock.now() - startedAt, ok, error, output,
      });
    // libcni prefixes what the plugin said, except CheckNetworkList, which returns it as is.
    const fail = (kind: "not-found" | "deadline" | "internal", text: string, cause?: unknown): HarnessError =>
      new HarnessError(kind, verb === "CHECK" ? text : `plugin ${pluginDescription(plugin)} failed (${VERB_WORD[verb]}): ${text}`, cause === undefined ? undefined : { cause });
    let binary: string;
    try {
      binary = await findPlugin(plugin.type, opts.binDirs);
    } catch (e) {
      record(false, errorMessage(e), undefined);
      throw fail("not-found", errorMessage(e));
    }
    const out = await execPlugin({
      binary, verb, containerId: rt.containerId, netns: rt.netns, ifName: rt.ifName, cniArgs: formatCniArgs(rt.args),
      binDirs: opts.binDirs, stdin: JSON.stringify(config), timeoutMs: opts.execTimeoutMs,
      ...(opts.env === undefined ? {} : { env: opts.env }), ...(signal === undefined ? {} : { signal }),
    });
    // libcni's fixupResultVersion: an ADD that exits 0 must still print a result; empty or
    // invalid stdout fails the ADD (a plugin bug a lenient runtime would hide).
    const noResult = out.ok && verb === "ADD" && out.output === undefined
      ? `failed to unmarshal raw result: ${out.stdout.trim() === "" ? "unexpected end of JSON input" : `invalid JSON ${JSON.stringify(out.stdout.slice(0, 80))}`}`
      : "";
    record(out.ok && noResult === "", out.ok ? noResult : out.message, out.output);
    if (!out.ok) throw fail(out.timedOut ? "deadline" : "internal", out.message, out.pluginError);
    if (noResult !== "") throw fail("internal", noResult);
    return out.output;
  };
}
