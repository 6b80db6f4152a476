// Renders the containerd 1.6 config.toml of a test run (pure): everything under one temp dir,
// settings this machine needs (docs/REFERENCE.md §6), and one runtime handler per extra CNI conf dir.
import { join } from "node:path";

export interface ContainerdConfigInput {
  /** The run's temp dir: root, state, sockets, runc root all live under it. */
  dir: string;
  cniBinDir: string;
  /** conf_dir of the default handler ("runc"). */
  cniConfDir: string;
  sandboxImage: string;
  /** Extra runtime handlers, each a runc with its own CNI conf dir (RunPodSandbox runtime_handler). */
  handlers?: Record<string, string>;
}

export interface ContainerdPaths {
  socket: string;
  root: string;
  state: string;
  runcRoot: string;
  netnsDir: string;
}

export function containerdPaths(dir: string): ContainerdPaths {
  const state = join(dir, "state");
  return {
    socket: join(dir, "containerd.sock"),
    root: join(dir, "root"),
    state,
    runcRoot: join(dir, "runc"),
    // netns_mounts_under_state_dir = true puts the pods' netns here instead of /var/run/netns.
    netnsDir: join(state, "io.containerd.grpc.v1.cri", "netns"),
  };
}

const q = (s: string): string => JSON.stringify(s);

function runtimeBlock(name: string, runcRoot: string, cniConfDir: string | undefined): string {
  const base = `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${name}`;
  return [
    `[${base}]`,
    `  runtime_type = "io.containerd.runc.v2"`,
    cniConfDir === undefined ? "" : `  cni_conf_dir = ${q(cniConfDir)}\n  cni_max_conf_num = 1`,
    `[${base}.options]`,
    // No systemd here: cgroupfs driver. Root keeps runc's state in our temp dir.
    `  SystemdCgroup = false`,
    `  Root = ${q(runcRoot)}`,
    "",
  ].join("\n");
}

export function renderContainerdConfig(c: ContainerdConfigInput): string {
  const p = containerdPaths(c.dir);
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  const handlers = Object.entries(c.handlers ?? {}).map(([n, d]) => runtimeBlock(n, p.runcRoot, d));
  return [
    `version = 2`,
    `root = ${q(p.root)}`,
    `state = ${q(p.state)}`,
    // Snapshotters and services we never use would only slow start-up and log noise.
    `disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]`,
    `[grpc]`,
    `  address = ${q(p.socket)}`,
    `[ttrpc]`,
    `  address = ${q(`${p.socket}.ttrpc`)}`,
    `[plugins."io.containerd.internal.v1.opt"]`,
    `  path = ${q(join(c.dir, "opt"))}`,
    `[${cri}]`,
    `  sandbox_image = ${q(c.sandboxImage)}`,
    // No AppArmor profile loading in this container, and no CAP_SYS_RESOURCE: without
    // restrict_oom_score_adj every sandbox fails in runc (docs/REFERENCE.md §6).
    `  disable_apparmor = true`,
    `  restrict_oom_score_adj = true`,
    `  netns_mounts_under_state_dir = true`,
    `  disable_tcp_service = true`,
    `  stream_server_address = "127.0.0.1"`,
    `  stream_server_port = "0"`,
    `[${cri}.cni]`,
    `  bin_dir = ${q(c.cniBinDir)}`,
    `  conf_dir = ${q(c.cniConfDir)}`,
    `  max_conf_num = 1`,
    `[${cri}.containerd]`,
    `  snapshotter = "overlayfs"`,
    `  default_runtime_name = "runc"`,
    runtimeBlock("runc", p.runcRoot, undefined),
    ...handlers,
  ].join("\n");
}
