// Host links for real (root only): a veth pair per ENI, the host end carrying the ENI's MAC and
// MTU 9001 like an ENI, both ends up so macvlan children on it have a carrier. iproute2 through
// execa, with argument arrays and a deadline per command.

import { execa } from "execa";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { HostLink, HostLinkRequest, HostLinks } from "./types.js";
import { hostLinkNames, ownedNamePattern, validatePrefix } from "./types.js";

/** Runs `ip ARGS` and returns stdout; rejects with a message naming the command. */
export type IpRunner = (args: readonly string[], signal?: AbortSignal) => Promise<string>;

/** ENIs' MTU (jumbo frames), so children created with the plugin's default MTU 9001 fit. */
const ENI_MTU = "9001";

export function execaIpRunner(timeoutMs: number): IpRunner {
  return async (args, signal) => {
    try {
      const r = await execa("ip", [...args], {
        timeout: timeoutMs,
        ...(signal === undefined ? {} : { cancelSignal: signal }),
        stdin: "ignore",
      });
      return r.stdout;
    } catch (e: unknown) {
      const stderr = (e as { stderr?: unknown }).stderr;
      const text = typeof stderr === "string" && stderr.trim() !== "" ? stderr.trim() : errorMessage(e);
      throw new HarnessError("unavailable", `ip ${args.join(" ")}: ${text}`, { cause: e });
    }
  };
}

interface LinkRow {
  ifindex: number;
  ifname: string;
  address?: string;
}

export class Iproute2HostLinks implements HostLinks {
  readonly enabled = true;
  readonly description: string;
  readonly #prefix: string;
  readonly #ip: IpRunner;
  readonly #links = new Map<string, HostLink>();

  constructor(options: { prefix: string; ip: IpRunner }) {
    this.#prefix = validatePrefix(options.prefix);
    this.#ip = options.ip;
    this.description = `host links on: a veth pair per ENI named ${this.#prefix}eni<device>/${this.#prefix}trunk<device>`;
  }

  async ensure(req: HostLinkRequest, signal?: AbortSignal): Promise<HostLink> {
    const { name, peerName } = hostLinkNames(this.#prefix, req.deviceNumber, req.isTrunk);
    const mac = req.mac.toLowerCase();
    let row = await this.#show(name, signal);
    if (row !== undefined && row.address?.toLowerCase() !== mac) {
      await this.#delete(name, signal);
      row = undefined;
    }
    if (row === undefined) {
      await this.#ip(["link", "add", name, "address", mac, "mtu", ENI_MTU, "type", "veth", "peer", "name", peerName, "mtu", ENI_MTU], signal);
      try {
        await this.#ip(["link", "set", peerName, "up"], signal);
        await this.#ip(["link", "set", name, "up"], signal);
        row = await this.#show(name, signal);
      } catch (e: unknown) {
        await this.#delete(name).catch(() => undefined);
        throw e;
      }
      if (row === undefined) throw new HarnessError("internal", `host link ${name} vanished right after creation`);
    }
    const link: HostLink = Object.freeze({ ...req, mac, name, peerName, ifIndex: row.ifindex });
    // A device number is reused after a detach: the name now belongs to this ENI only, so that a
    // late remove() of the old ENI cannot delete the new ENI's link.
    for (const [id, l] of this.#links) if (l.name === name && id !== req.eniId) this.#links.delete(id);
    this.#links.set(req.eniId, link);
    return link;
  }

  async remove(eniId: string, signal?: AbortSignal): Promise<void> {
    const link = this.#links.get(eniId);
    if (link === undefined) return;
    await this.#delete(link.name, signal);
    this.#links.delete(eniId);
  }

  async removeAll(signal?: AbortSignal): Promise<void> {
    const errors: string[] = [];
    for (const eniId of [...this.#links.keys()]) {
      await this.remove(eniId, signal).catch((e: unknown) => errors.push(errorMessage(e)));
    }
    if (errors.length > 0) throw new HarnessError("internal", `removing host links: ${errors.join("; ")}`);
  }

  async cleanStale(signal?: AbortSignal): Promise<string[]> {
    const pattern = ownedNamePattern(this.#prefix);
    const mine = new Set([...this.#links.values()].flatMap((l) => [l.name, l.peerName]));
    const rows = JSON.parse((await this.#ip(["-j", "link", "show"], signal)) || "[]") as LinkRow[];
    const stale = rows.map((r) => r.ifname).filter((n) => pattern.test(n) && !mine.has(n));
    const removed: string[] = [];
    // Host ends first: deleting one end of a veth removes its peer too.
    for (const n of stale.sort((a, b) => Number(a.endsWith("p")) - Number(b.endsWith("p")))) {
      if (removed.includes(n.slice(0, -1)) && n.endsWith("p")) continue;
      await this.#delete(n, signal);
      removed.push(n);
    }
    return removed;
  }

  get(eniId: string): HostLink | undefined {
    return this.#links.get(eniId);
  }

  list(): HostLink[] {
    return [...this.#links.values()];
  }

  async #show(name: string, signal?: AbortSignal): Promise<LinkRow | undefined> {
    try {
      const rows = JSON.parse(await this.#ip(["-j", "link", "show", "dev", name], signal)) as LinkRow[];
      return rows[0];
    } catch (e: unknown) {
      if (/does not exist|Cannot find device/i.test(errorMessage(e))) return undefined;
      throw e;
    }
  }

  async #delete(name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.#ip(["link", "del", "dev", name], signal);
    } catch (e: unknown) {
      if (!/does not exist|Cannot find device/i.test(errorMessage(e))) throw e;
    }
  }
}
