// Host links off (non-root, or --host-links off): nothing touches the host; links are recorded
// with their would-be names and ifindex 0, and the description says why.

import type { HostLink, HostLinkRequest, HostLinks } from "./types.js";
import { hostLinkNames, validatePrefix } from "./types.js";

export class NoopHostLinks implements HostLinks {
  readonly enabled = false;
  readonly description: string;
  readonly #prefix: string;
  readonly #links = new Map<string, HostLink>();

  constructor(options: { prefix: string; reason: string }) {
    this.#prefix = validatePrefix(options.prefix);
    this.description = `host links off: ${options.reason} (no ENI links on the host; ParentIfIndex is 0)`;
  }

  async ensure(req: HostLinkRequest): Promise<HostLink> {
    const link: HostLink = Object.freeze({ ...req, ...hostLinkNames(this.#prefix, req.deviceNumber, req.isTrunk), ifIndex: 0 });
    this.#links.set(req.eniId, link);
    return link;
  }

  async remove(eniId: string): Promise<void> {
    this.#links.delete(eniId);
  }

  async removeAll(): Promise<void> {
    this.#links.clear();
  }

  async cleanStale(): Promise<string[]> {
    return [];
  }

  get(eniId: string): HostLink | undefined {
    return this.#links.get(eniId);
  }

  list(): HostLink[] {
    return [...this.#links.values()];
  }
}
