// The printers: plain lines (pipes, CI logs), a terminal with an updating status line, and JSON
// lines (one object per record, for other tools). They only write to the stream given.

import { formatOffset, formatRecord, formatSummary } from "./format.js";
import type { OutputRecord, Printer, RunSummary } from "./types.js";

export interface Sink {
  write(text: string): unknown;
}

/** `now` gives progress lines their offset (same clock as the records). */
export function plainPrinter(out: Sink, runStart: number, now: () => number = Date.now): Printer {
  let last = "";
  return {
    record: (r) => void out.write(`${formatRecord(r, runStart)}\n`),
    status(text) {
      if (text === last) return;
      last = text;
      out.write(`${formatOffset(now() - runStart)}  ... ${text}\n`);
    },
    summary: (s) => void out.write(`${formatSummary(s)}\n`),
    close: () => undefined,
  };
}

/** On a TTY: records scroll above one status line that is redrawn in place. */
export function terminalPrinter(out: Sink & { columns?: number }, runStart: number): Printer {
  let status = "";
  const clear = (): void => void out.write("\r\x1b[2K");
  const draw = (): void => {
    if (status === "") return;
    const width = Math.max(20, (out.columns ?? 100) - 1);
    out.write(`\x1b[2m${status.length > width ? `${status.slice(0, width - 1)}…` : status}\x1b[0m`);
  };
  return {
    record(r) {
      clear();
      out.write(`${formatRecord(r, runStart)}\n`);
      draw();
    },
    status(text) {
      status = text;
      clear();
      draw();
    },
    summary(s) {
      clear();
      status = "";
      out.write(`${formatSummary(s)}\n`);
    },
    close() {
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

export function choosePrinter(opts: { json: boolean; stream: Sink & { isTTY?: boolean; columns?: number } }, runStart: number): Printer {
  if (opts.json) return jsonPrinter(opts.stream, runStart);
  return opts.stream.isTTY === true ? terminalPrinter(opts.stream, runStart) : plainPrinter(opts.stream, runStart);
}
