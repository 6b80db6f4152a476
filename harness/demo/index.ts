// The demo: public API.

export { demoCommand } from "./command.js";
export { runDemo } from "./run.js";
export type { DemoIo } from "./run.js";
export { parseDemoOptions } from "./options.js";
export type { DemoOptions, RawDemoOptions } from "./options.js";
export { judge } from "./expect.js";
export type { PodOutcome } from "./expect.js";
