// The printers: plain lines (pipes, CI logs), a terminal with an updating status line, and JSON
// lines (one object per record, for other tools). They only write to the stream given. Real-time
// runs print in time order (order.ts): the offsets never go back.

import { formatOffset, formatRecord, formatSummary } from "./format.js";
import { TimeOrder, realTimers } from "./order.js";
import type { Timers } from "./order.js";
import type { OutputRecord, Printer, RunSummary } from "./types.js";

export interface Sink {
  write(text: string): unknown;
}

type Line = { kind: "record"; r: OutputRecord } | { kind: "status"; text: string };

/**
 * `now` gives progress lines their offset (same clock as the records). With `timers`, records and
 * progress lines are held briefly and printed in time order.
 */
export function plainPrinter(out: Sink, runStart: number, now: () => number = Date.now, timers?: Timers): Printer {
  let last = "";
  const write = (l: Line, at: number): void => {
    if (l.kind === "record") out.write(`${formatRecord({ ...l.r, at }, runStart)}\n`);
    else out.write(`${formatOffset(at - runStart)}  ... ${l.text}\n`);
  };
  const order = timers === undefined ? undefined : new TimeOrder<Line>(write, timers);
  const emit = (l: Line, at: number): void => (order === undefined ? write(l, at) : order.push(at, l));
  return {
    record: (r) => emit({ kind: "record", r }, r.at),
    status(text) {
      if (text === last) return;
      last = text;
      emit({ kind: "status", text }, now());
    },
    summary(s) {
      order?.flush();
      out.write(`${formatSummary(s)}\n`);
    },
    close: () => order?.flush(),
  };
}

/** On a TTY: records scroll above one status line that is redrawn in place. */
export function terminalPrinter(out: Sink & { columns?: number }, runStart: number, timers?: Timers): Printer {
  let status = "";
  const clear = (): void => void out.write("\r\x1b[2K");
  const draw = (): void => {
    if (status === "") return;
    const width = Math.max(20, (out.columns ?? 100) - 1);
    out.write(`\x1b[2m${status.length > width ? `${status.slice(0, width - 1)}…` : status}\x1b[0m`);
  };
  const write = (r: OutputRecord, at: number): void => {
    clear();
    out.write(`${formatRecord({ ...r, at }, runStart)}\n`);
    draw();
  };
  const order = timers === undefined ? undefined : new TimeOrder<OutputRecord>(write, timers);
  return {
    record: (r) => (order === undefined ? write(r, r.at) : order.push(r.at, r)),
    status(text) {
      status = text;
      clear();
      draw();
    },
    summary(s) {
      order?.flush();
      clear();
      status = "";
      out.write(`${formatSummary(s)}\n`);
    },
    close() {
      order?.flush();
      clear();
      status = "";
    },
  };
}

function jsonRecord(r: OutputRecord, runStart: number): Record<string, unknown> {
  return { ...r, offsetMs: r.at - runStart };
}

export function jsonPrinter(out: Sink, runStart: number): Printer {
  return {
    record: (r) => void out.write(`${JSON.stringify(jsonRecord(r, runStart))}\n`),
    status: () => undefined,
    summary: (s: RunSummary) => void out.write(`${JSON.stringify({ kind: "summary", ...s })}\n`),
    close: () => undefined,
  };
}

/** `ordered`: a real-time run on the wall clock, whose lines are put in time order. */
export function choosePrinter(opts: { json: boolean; stream: Sink & { isTTY?: boolean; columns?: number }; ordered?: boolean }, runStart: number): Printer {
  if (opts.json) return jsonPrinter(opts.stream, runStart);
  const timers = opts.ordered === true ? realTimers : undefined;
  return opts.stream.isTTY === true ? terminalPrinter(opts.stream, runStart, timers) : plainPrinter(opts.stream, runStart, Date.now, timers);
}
