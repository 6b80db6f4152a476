// The demo: public API.

export { demoCommand } from "./command.js";
export { runDemo } from "./run.js";
export type { DemoIo, DemoResult } from "./run.js";
export { figures, formatComparison, runComparison } from "./compare.js";
export type { ModeFigures } from "./compare.js";
export { parseDemoOptions } from "./options.js";
export type { DemoOptions, RawDemoOptions } from "./options.js";
export { judge } from "./expect.js";
export type { PodOutcome } from "./expect.js";
