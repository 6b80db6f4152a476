// Ages as kubectl and the API server's printers show them (cluster/k8s's HumanDuration).

import { humanDuration } from "../cluster/k8s/index.js";

/** The age of an RFC 3339 timestamp at `now`, or "<unknown>" (translateTimestampSince). */
export function ageOf(timestamp: unknown, now: number): string {
  if (typeof timestamp !== "string" || timestamp === "") return "<unknown>";
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now - t);
}
