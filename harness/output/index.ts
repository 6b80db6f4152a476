// Output of long runs: records, printers (terminal / plain / JSON lines) and formatting.

export type { CniCallRecord, EniRecord, OutputRecord, PodSummary, Printer, RunEnd, RunSummary } from "./types.js";
export { aggregation, eventAge, formatOffset, formatRecord, formatSummary } from "./format.js";
export { choosePrinter, jsonPrinter, plainPrinter, terminalPrinter } from "./printers.js";
export type { Sink } from "./printers.js";
