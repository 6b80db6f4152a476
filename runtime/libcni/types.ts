// The libcni-like runtime's data: network config lists, per-call runtime config and options.

/** One plugin's config as written in the conflist (an opaque JSON object; `type` is required). */
export type PluginConf = Readonly<Record<string, unknown>> & { readonly type: string };

export interface NetworkConfigList {
  name: string;
  /** The version the runtime speaks to every plugin of this list (picked from cniVersions when present). */
  cniVersion: string;
  disableCheck: boolean;
  disableGC: boolean;
  plugins: readonly PluginConf[];
  /** The file it came from ("" when built in memory). */
  source: string;
  /** The list's raw JSON text, cached with results like libcni does. */
  bytes: string;
}

/** libcni's RuntimeConf: what varies per call. */
export interface RuntimeConf {
  containerId: string;
  /** Netns path; "" on the second DEL containerd sends from RemovePodSandbox. */
  netns: string;
  ifName: string;
  /** CNI_ARGS pairs, in the order given (containerd's order is random and includes IgnoreUnknown=1). */
  args?: readonly (readonly [string, string])[];
  /** Capability args (portMappings, bandwidth, ...); only those a plugin declares reach it. */
  capabilityArgs?: Readonly<Record<string, unknown>>;
}

export interface CniRuntimeOptions {
  /** Directories searched for plugin binaries, in order (also passed as CNI_PATH). */
  binDirs: readonly string[];
  /** Like /var/lib/cni: results live in <cacheDir>/results/<net>-<id>-<ifname>. */
  cacheDir: string;
  /** Deadline of each plugin exec; the process is killed past it. */
  execTimeoutMs: number;
  /** Extra environment for plugins (the host's environment is inherited, like libcni). */
  env?: Readonly<Record<string, string>>;
  /** Observer of every plugin exec (for printers and timelines). */
  onExec?: (record: ExecRecord) => void;
}

export type CniVerb = "ADD" | "DEL" | "CHECK" | "GC" | "STATUS" | "VERSION";

export interface ExecRecord {
  verb: CniVerb;
  network: string;
  pluginType: string;
  pluginName: string;
  containerId: string;
  ifName: string;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  /** The plugin's error (msg; details) or the exec failure, "" when ok. */
  error: string;
  /** The plugin's stdout parsed (result or error object), when it printed JSON. */
  output: unknown;
}

/** A CNI error object as a plugin prints it on stdout. */
export interface PluginErrorObject {
  cniVersion?: string;
  code: number;
  msg: string;
  details?: string;
}

/** A CNI result (any version): kept as JSON, converted between versions by convert.ts. */
export type CniResult = Record<string, unknown> & { cniVersion: string };

export interface GCAttachment {
  containerID: string;
  ifname: string;
}
