// The controller's client-side limiter: the shared token bucket (common/ratelimit.ts).

export { createTokenBucket, type TokenBucket } from "../common/ratelimit.js";
