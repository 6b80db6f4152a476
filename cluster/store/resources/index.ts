// Every resource the registry serves, in discovery order.

import type { Strategy } from "../strategy.js";
import { EVENTS, coreStrategies } from "./core.js";
import { genericStrategies } from "./generic.js";
import { PODS } from "./pods.js";

export function allStrategies(eventTtlMs: number): Strategy[] {
  const core = coreStrategies().map((s) => (s === EVENTS ? { ...s, ttlMs: eventTtlMs } : s));
  return [PODS, ...core, ...genericStrategies()];
}

export { PODS } from "./pods.js";
export { NODES, NAMESPACES, EVENTS, EVENT_TTL_MS } from "./core.js";
export { SGP, CNINODES, CRDS, crdObject } from "./generic.js";
