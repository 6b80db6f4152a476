// Deterministic randomness: a seedable generator (mulberry32) whose state can be saved and resumed,
// so a seed replays the same ids, faults and delays, also across a restart of the fake EC2.

/** A source of uniform numbers in [0, 1); seedable so scenarios replay exactly. */
export interface Rng {
  next(): number;
}

export interface SeededRng extends Rng {
  /** The generator's state: createSeededRng(rng.state()) continues the same sequence. */
  state(): number;
}

export function createSeededRng(seed: number): SeededRng {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    state: () => a,
  };
}

/** True with probability p (0 never, 1 always); consumes one draw only when 0 < p < 1. */
export function chance(rng: Rng, p: number): boolean {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return rng.next() < p;
}

/** `n` lowercase hex digits. */
export function hexDigits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(rng.next() * 16).toString(16);
  return s;
}
