// A token bucket on the injected clock, in the two shapes EC2 rate limiting takes:
// - reserve(): a client-side limiter with reservation semantics like Go's rate.Limiter (the VPC
//   resource controller's rate-limited EC2 HTTP client): every caller gets a slot in arrival order,
//   the first `burst` at once, then one every 1/qps s;
// - tryTake(): the server side, as EC2 throttles an account (docs/REFERENCE.md §9): a request takes
//   a token when one is there, and is refused (RequestLimitExceeded) when none is, without queueing.

import type { Clock } from "./clock.js";

export interface TokenBucket {
  /** Takes a token; returns how long the caller must wait for it (0 when available now). */
  reserve(): number;
  /** Takes a whole token if one is available now; false (and nothing taken) otherwise. */
  tryTake(): boolean;
  /** Tokens available now (negative: reservations already queued beyond the bucket). */
  tokens(): number;
}

export function createTokenBucket(clock: Clock, qps: number, burst: number): TokenBucket {
  let tokens = burst;
  let last = clock.now();
  const refill = (): void => {
    const now = clock.now();
    if (now > last) tokens = Math.min(burst, tokens + ((now - last) * qps) / 1000);
    last = Math.max(last, now);
  };
  return {
    reserve() {
      refill();
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens * 1000) / qps;
    },
    tryTake() {
      refill();
      // A hair of tolerance: (elapsed * qps / 1000) in floating point, on epoch-sized clock values,
      // can land a few ulps below 1.
      if (tokens < 1 - 1e-6) return false;
      tokens = Math.max(0, tokens - 1);
      return true;
    },
    tokens() {
      refill();
      return tokens;
    },
  };
}
