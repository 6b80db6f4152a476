// iproute2 and sysctl for the cluster's host side and nodes: argument arrays (never a shell or a
// batch line), a deadline on each command, and errors that name the command.

import { execa } from "execa";
import { HarnessError } from "../../common/errors.js";

const DEADLINE_MS = 15_000;

export async function ip(args: readonly string[], signal?: AbortSignal): Promise<string> {
  const r = await execa("ip", [...args], { reject: false, timeout: DEADLINE_MS, stdin: "ignore", ...(signal === undefined ? {} : { cancelSignal: signal }) });
  if (r.exitCode !== 0) throw new HarnessError("unavailable", `ip ${args.join(" ")}: ${String(r.stderr || r.message).trim()}`);
  return r.stdout;
}

/** Like ip(), but "does not exist" is success (removals that may have happened already). */
export async function ipGone(args: readonly string[]): Promise<void> {
  try {
    await ip(args);
  } catch (e) {
    if (!/does not exist|Cannot find|No such file|not found|Invalid "netns"/i.test((e as Error).message)) throw e;
  }
}

/** `sysctl -w key=value` inside a network namespace (net.* keys are per namespace). */
export async function netnsSysctl(netns: string, key: string, value: string): Promise<void> {
  const r = await execa("nsenter", [`--net=/run/netns/${netns}`, "sysctl", "-qw", `${key}=${value}`], { reject: false, timeout: DEADLINE_MS, stdin: "ignore" });
  if (r.exitCode !== 0) throw new HarnessError("unavailable", `sysctl ${key}=${value} in ${netns}: ${String(r.stderr || r.message).trim()}`);
}

export async function linkExists(name: string, netns?: string): Promise<boolean> {
  const r = await execa("ip", [...(netns === undefined ? [] : ["-n", netns]), "link", "show", "dev", name], { reject: false, timeout: DEADLINE_MS, stdin: "ignore" });
  return r.exitCode === 0;
}

export async function netnsNames(): Promise<string[]> {
  const out = await ip(["-j", "netns", "list"]).catch(() => "[]");
  const rows = JSON.parse(out.trim() === "" ? "[]" : out) as { name?: unknown }[];
  return rows.flatMap((r) => (typeof r.name === "string" ? [r.name] : []));
}

/** Destinations of the host's main table (to refuse a VPC CIDR that would shadow them). */
export async function hostRoutes(): Promise<string[]> {
  const rows = JSON.parse((await ip(["-j", "route", "show"])) || "[]") as { dst?: unknown; dev?: unknown }[];
  return rows.flatMap((r) => (typeof r.dst === "string" ? [r.dst] : []));
}
