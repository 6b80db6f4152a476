// Public API of host links: createHostLinks picks the real (root) or no-op implementation.

import { HarnessError } from "../../common/errors.js";
import type { IpRunner } from "./iproute2.js";
import { Iproute2HostLinks, execaIpRunner } from "./iproute2.js";
import { NoopHostLinks } from "./noop.js";
import type { HostLinks } from "./types.js";
import { DEFAULT_HOST_LINK_PREFIX } from "./types.js";

export type { HostLink, HostLinkRequest, HostLinks } from "./types.js";
export { DEFAULT_HOST_LINK_PREFIX, hostLinkNames, ownedNamePattern, validatePrefix } from "./types.js";
export type { IpRunner } from "./iproute2.js";
export { Iproute2HostLinks, execaIpRunner } from "./iproute2.js";
export { NoopHostLinks } from "./noop.js";

export type HostLinksMode = "auto" | "on" | "off";

export interface HostLinksOptions {
  /** auto: real links when root, else the no-op; on: root required; off: no-op. */
  readonly mode: HostLinksMode;
  readonly prefix?: string;
  /** Deadline of each `ip` command (default 5 s). */
  readonly timeoutMs?: number;
  /** Default: process.getuid() === 0 (read here, at the edge). */
  readonly isRoot?: boolean;
  readonly ip?: IpRunner;
}

export function createHostLinks(options: HostLinksOptions): HostLinks {
  const prefix = options.prefix ?? DEFAULT_HOST_LINK_PREFIX;
  const root = options.isRoot ?? process.getuid?.() === 0;
  if (options.mode === "off") return new NoopHostLinks({ prefix, reason: "turned off (--host-links off)" });
  if (!root) {
    if (options.mode === "on") {
      throw new HarnessError("invalid-config", "--host-links on needs root (it creates links on the host); use auto or off");
    }
    return new NoopHostLinks({ prefix, reason: "not running as root" });
  }
  return new Iproute2HostLinks({ prefix, ip: options.ip ?? execaIpRunner(options.timeoutMs ?? 5_000) });
}
