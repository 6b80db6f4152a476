// The daemon's structured log (common/log.ts), named mock-ipamd.

import { announce, createLogger as create } from "../common/log.js";
import type { Logger } from "../common/log.js";
import type { LogLevel } from "./config/index.js";

export type { Logger };
export { announce };

export function createLogger(level: LogLevel, dest: number = 1): Logger {
  return create("mock-ipamd", level, dest);
}
