// A daemon's structured log: pino JSON lines on stdout (synchronous, so the "ready" line and the
// last lines before an exit or a kill are never lost in a buffer), named after the process.

import pino from "pino";
import type { Logger } from "pino";

export type { Logger };

export function createLogger(name: string, level: string, dest: number = 1): Logger {
  return pino(
    {
      level,
      base: { name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest, sync: true }),
  );
}

/** Lifecycle lines ("ready", "stopped") that callers wait for: written whatever the log level says. */
export function announce(log: Logger, obj: object, msg: string): void {
  const l = log.levelVal > 30 ? log.child({}, { level: "info" }) : log;
  l.info(obj, msg);
}
