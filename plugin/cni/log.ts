// A tiny JSON-lines logger for the plugin: logs go only to stderr or pluginLogFile (never stdout,
// which carries the one result document). No logging library, to keep start-up short.
import type { LogLevel } from "./netconf.js";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

function jsonSafe(v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
  return v;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void,
  base: LogFields = {},
  now: () => number = Date.now,
): Logger {
  const emit = (lvl: Exclude<LogLevel, "fatal">, msg: string, fields?: LogFields): void => {
    if (RANK[lvl] < RANK[level]) return;
    const rec: LogFields = { time: new Date(now()).toISOString(), level: lvl, msg, ...base };
    for (const [k, v] of Object.entries(fields ?? {})) rec[k] = jsonSafe(v);
    try {
      write(`${JSON.stringify(rec)}\n`);
    } catch {
      // A broken log sink must never fail the verb (the runtime only sees stdout and the exit code).
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    with: (fields) => createLogger(level, write, { ...base, ...fields }, now),
  };
}

/** Drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger("error", () => {});
