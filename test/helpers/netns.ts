// Root-only test helpers: named network namespaces, a trunk link with a known MAC, and snapshots
// of host links, rules and routes so a test can assert that nothing was left behind.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const ip = (args: string[], input?: string): string =>
  execFileSync("ip", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], ...(input === undefined ? {} : { input }) });

export interface TestNetns {
  name: string;
  path: string;
  /** `ip -j <args>` inside the netns, parsed. */
  ipJson(args: string[]): Record<string, unknown>[];
  remove(): void;
}

let seq = 0;

/** `ip netns add`; the name is unique per process so parallel files never collide. */
export function createNetns(prefix = "h2t"): TestNetns {
  const name = `${prefix}-${process.pid}-${seq++}`;
  ip(["netns", "add", name]);
  const path = `/run/netns/${name}`;
  return {
    name,
    path,
    ipJson: (args) =>
      JSON.parse(execFileSync("nsenter", [`--net=${path}`, "--", "ip", "-j", ...args], { encoding: "utf8" }) || "[]") as Record<
        string,
        unknown
      >[],
    remove: () => {
      if (existsSync(path)) ip(["netns", "del", name]);
    },
  };
}

export interface TestTrunk {
  name: string;
  mac: string;
  ifindex: number;
  remove(): void;
}

/** A trunk stand-in in the host netns: one end of a veth pair (its peer stays unused, up). */
export function createTrunk(name: string, mac: string): TestTrunk {
  deleteLinkIfPresent(name);
  ip(["link", "add", name, "address", mac, "type", "veth", "peer", "name", `${name}p`]);
  ip(["link", "set", name, "up"]);
  ip(["link", "set", `${name}p`, "up"]);
  const ifindex = Number(readFileSync(`/sys/class/net/${name}/ifindex`, "utf8").trim());
  return { name, mac, ifindex, remove: () => deleteLinkIfPresent(name) };
}

export function deleteLinkIfPresent(name: string): void {
  if (existsSync(`/sys/class/net/${name}`)) ip(["link", "del", name]);
}

export const hostLinkExists = (name: string): boolean => existsSync(`/sys/class/net/${name}`);

/** `ip -j` in the host netns, parsed. */
export function hostJson(args: string[]): Record<string, unknown>[] {
  return JSON.parse(ip(["-j", ...args]) || "[]") as Record<string, unknown>[];
}

/** Host rules and routes mentioning any of `needles` (pod IPs, link names): [] means nothing left. */
export function hostLeftovers(needles: readonly string[]): string[] {
  const text = [ip(["rule", "show"]), ip(["route", "show", "table", "all"]), ip(["link", "show"])].join("\n");
  return text.split("\n").filter((l) => needles.some((n) => l.includes(n)));
}
