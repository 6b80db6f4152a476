// Public API of the warm pool: the knobs, the pure decision, and the reconciler that acts on it
// through an EniAttacher (the fake EC2 in this harness).

export type { AttachedEni, EniAttacher, WarmPoolHooks, WarmPoolLog } from "./attacher.js";
export type { WarmPoolConfig } from "./config.js";
export { DEFAULT_WARM_POOL, ipTargetsDefined, warmPoolConfig, warmPoolConfigFromEnv } from "./config.js";
export type { PoolDecision, PoolInput } from "./decide.js";
export { MIN_ENI_LIFETIME_MS, decide, hasRoomForEni, ipTargetState, removableEni } from "./decide.js";
export type { ReconcileOutcome, WarmPoolDeps, WarmPoolStatus } from "./reconciler.js";
export { DEFAULT_POOL_INTERVAL_MS, WarmPoolReconciler } from "./reconciler.js";
export { toSpec, withDeadline } from "./steps.js";
