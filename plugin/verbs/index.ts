// The verbs as plain async functions (args, deps) => result, and what they share.
export { add, podSpec } from "./add.js";
export { check, checkSpec } from "./check.js";
export { del } from "./del.js";
export { gc, GC_REASON } from "./gc.js";
export { status } from "./status.js";
export * from "./naming.js";
export * from "./result.js";
export * from "./state.js";
export * from "./types.js";
export { bindVerbs } from "./bind.js";
