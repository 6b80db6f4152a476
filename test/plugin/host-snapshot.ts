// What "the host is unchanged" means for the plugin's hostile-input tests (root): every link, rule,
// route (all tables), named netns, and the files of a watched directory, as text to compare.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const ip = (args: string[]): string => execFileSync("ip", args, { encoding: "utf8" });

export interface HostSnapshot {
  links: string;
  rules: string;
  routes: string;
  netns: string;
  files: string;
}

/**
 * Link lines without counters or state that the kernel changes on its own (carrier flaps of
 * unrelated links are not the plugin's doing); names, kinds and addresses are kept.
 */
function links(): string {
  return ip(["-o", "link", "show"])
    .split("\n")
    .map((l) => l.replace(/\s+state \S+/, "").replace(/\s+qdisc \S+/, "").replace(/<[^>]*>/, ""))
    .sort()
    .join("\n");
}

export function hostSnapshot(watchDir: string): HostSnapshot {
  return {
    links: links(),
    rules: ip(["rule", "show"]),
    // IPv6 link-local routes appear on their own a moment after a link comes up (the test's trunk).
    routes: ip(["route", "show", "table", "all"]).split("\n").filter((l) => !l.includes(" fe80::")).sort().join("\n"),
    // `(id: N)` appears once a link peers into a netns: the kernel's bookkeeping, not a change.
    netns: ip(["netns", "list"]).split("\n").map((l) => l.replace(/ \(id: \d+\)$/, "")).sort().join("\n"),
    files: readdirSync(watchDir).sort().join("\n"),
  };
}
