// How a node's processes start: inside the node's network namespace, in a mount namespace of their
// own with the node's /sys (the plugin finds links by ifindex there, as on a real node) and the
// host's cgroups (containerd and runc need them). What `ip netns exec` does, minus its unmount of
// /sys/fs/cgroup. The command's arguments reach it as "$@", never as script text.

const SCRIPT = [
  'cg="$1"; shift',
  'mkdir -p "$cg"',
  'mount --rbind /sys/fs/cgroup "$cg"',
  "mount -t sysfs sysfs /sys",
  'mount --move "$cg" /sys/fs/cgroup',
  'exec "$@"',
].join(" && ");

/**
 * argv that runs `cmd` as a node process. nsenter, unshare and sh each exec the next (no fork), so
 * the pid spawned is the daemon's own. `scratch` is an empty directory of the node's (a mount point
 * for a moment).
 */
export function nodeArgv(netns: string, scratch: string, cmd: readonly string[]): string[] {
  return ["nsenter", `--net=/run/netns/${netns}`, "--", "unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", SCRIPT, "node-enter", scratch, ...cmd];
}
