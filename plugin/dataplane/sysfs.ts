// Host link facts read from sysfs (no process): does a link exist, which link has an ifindex.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseIfName, type IfName } from "../../common/boundary/index.js";

export interface LinkLookup {
  exists(name: string): boolean;
  /** Name of the host link with this ifindex (the trunk, ParentIfIndex); undefined if none (or not a name we can use). */
  nameByIndex(ifindex: number): IfName | undefined;
}

/** Reads /sys/class/net of the plugin's own netns (the host's, where the CNI runtime runs it). */
export function sysfsLinks(root = "/sys/class/net"): LinkLookup {
  return {
    exists: (name) => name !== "" && !name.includes("/") && existsSync(join(root, name)),
    nameByIndex(ifindex) {
      for (const name of readdirSync(root)) {
        try {
          if (Number(readFileSync(join(root, name, "ifindex"), "utf8").trim()) !== ifindex) continue;
          const parsed = parseIfName(name);
          return parsed.ok ? parsed.value : undefined;
        } catch {
          // The link went away while we looked; keep looking.
        }
      }
      return undefined;
    },
  };
}
