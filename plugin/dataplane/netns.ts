// Is CNI_NETNS a network namespace? statfs(2) answers without opening the file, so a FIFO or a
// device at that path cannot block the plugin (issue #10: a FIFO held ADD for 30 s): a bind-mounted
// netns file and /proc/<pid>/ns/net both live on nsfs.
import { statfsSync } from "node:fs";

/** NSFS_MAGIC of linux/magic.h. */
export const NSFS_MAGIC = 0x6e736673;

export type NetnsState = "netns" | "missing" | "not-netns";

/** The test seam: a function from path to what is there. */
export type NetnsProbe = (path: string) => NetnsState;

export const statfsNetns: NetnsProbe = (path) => {
  try {
    return statfsSync(path).type === NSFS_MAGIC ? "netns" : "not-netns";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "not-netns";
  }
};
