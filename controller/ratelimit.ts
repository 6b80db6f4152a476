// A token bucket on the injected clock, with reservation semantics like Go's rate.Limiter (which
// the controller's rate-limited EC2 HTTP client uses): every caller gets a slot in arrival order,
// the first `burst` at once, then one every 1/qps s.

import type { Clock } from "../common/clock.js";

export interface TokenBucket {
  /** Takes a token; returns how long the caller must wait for it (0 when available now). */
  reserve(): number;
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
    tokens() {
      refill();
      return tokens;
    },
  };
}
