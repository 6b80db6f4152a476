// Deterministic randomness for the controller: the shared seedable generator (common/rng.ts) and
// the samplers the provisioning delay needs, so a scenario with a given seed replays the same
// faults and delays.

import type { Rng } from "./types.js";

export { chance, createSeededRng, hexDigits } from "../common/rng.js";

/** A standard normal draw (Box-Muller). */
export function standardNormal(rng: Rng): number {
  let u = rng.next();
  while (u <= Number.EPSILON) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
