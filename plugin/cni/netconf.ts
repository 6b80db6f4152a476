// The network configuration on stdin, parsed and validated once into a frozen object: the spec's
// keys plus aws-cni's (docs/REFERENCE.md §3) and ours (docs/ARCHITECTURE.md, "Plugin netconf").
import { clip, networkNameProblem, parseEndpoint, parseIfName, quote } from "../../common/boundary/index.js";
import { MAX_TIMER_MS, parseDuration } from "../../common/duration.js";
import { parsePrevResult } from "./convert.js";
import { CniCode, CniError } from "./errors.js";
import { decodeJson, MAX_NETCONF_BYTES, type Json } from "./json.js";
import type { Result110 } from "./types110.js";
import { requireSupported, type CniVersion } from "./version.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";
export type DataplaneKind = "iproute2" | "none";
export type IpamdTransport = "grpc-js" | "http2";
export type DataplaneOps = "netlink" | "ip";

export interface Attachment {
  containerId: string;
  ifName: string;
}

export interface NetConf {
  cniVersion: CniVersion;
  name: string;
  type: string;
  vethPrefix: string;
  mtu: number;
  podSGEnforcingMode: "strict" | "standard";
  pluginLogFile: string;
  pluginLogLevel: LogLevel;
  ipamdAddress: string;
  /** 1..MAX_TIMER_MS: longer deadlines are clamped (a timer cannot wait longer). */
  ipamdTimeoutMs: number;
  /**
   * ClientVersion sent to ipamd: "" by default, as release builds of aws-cni send (docs/REFERENCE.md
   * §2); set it to talk to a daemon that expects another value (mock-ipamd --client-version).
   */
  ipamdClientVersion: string;
  /**
   * Which client speaks gRPC to ipamd: the plugin's own HTTP/2 client (default) or @grpc/grpc-js.
   * Measured (README, "Performance"): loading grpc-js costs every ADD and DEL far more CPU.
   */
  ipamdTransport: IpamdTransport;
  dataplane: DataplaneKind;
  /**
   * How the iproute2 dataplane carries out its operations: rtnetlink requests from the plugin's
   * own process (default under Bun, the compiled plugin) or `ip -batch` processes (`ip`, and
   * always under Node). The same operations either way (plugin/dataplane/ops.ts).
   */
  dataplaneOps: DataplaneOps;
  /** Where the plugin records its attachments per network, for GC. */
  stateDir: string;
  prevResult?: Result110;
  /** runtimeConfig with lower-cased keys (runtimes send Go field-name case, docs/REFERENCE.md §5). */
  runtimeConfig: Readonly<Record<string, unknown>>;
  /** GC: `cni.dev/valid-attachments` (or the older `cni.dev/attachments`); undefined when absent. */
  validAttachments?: readonly Attachment[];
}

export { MAX_NETCONF_BYTES };
export const DEFAULT_IPAMD_ADDRESS = "unix:///run/mock-ipamd/ipamd.sock";
export const DEFAULT_STATE_DIR = "/var/lib/cni/mock-vpc-cni";
const LOG_LEVELS: readonly string[] = ["debug", "info", "warn", "error", "fatal"];

function invalid(msg: string, details?: string): CniError {
  return new CniError(CniCode.InvalidNetworkConfig, clip(msg, 1024), { details });
}

function str(o: Json, key: string, fallback: string): string {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "string") throw invalid(`invalid network config: "${key}" must be a string, got ${typeof v}`);
  return v;
}

function oneOf<T extends string>(o: Json, key: string, allowed: readonly T[], fallback: T): T {
  const v = str(o, key, fallback);
  const lower = v.toLowerCase();
  const hit = allowed.find((a) => a === lower);
  if (hit === undefined) throw invalid(`invalid network config: "${key}" must be one of ${allowed.join(", ")}, got ${quote(v)}`);
  return hit;
}

/**
 * aws-cni's logger (pkg/utils/logger getZapLevel): any case; "fatal" logs nothing we write; any
 * other value, "" included, means debug. It never fails the verb, so neither do we. Absent: info.
 */
function logLevel(o: Json): LogLevel {
  const level = str(o, "pluginLogLevel", "info").toLowerCase();
  return LOG_LEVELS.includes(level) ? (level as LogLevel) : "debug";
}

/** aws-cni's GetPodMTU: a number in 576..9001, anything else falls back to 9001. */
function podMtu(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  return n >= 576 && n <= 9001 ? n : 9001;
}

function ipamdAddress(o: Json): string {
  const a = str(o, "ipamdAddress", DEFAULT_IPAMD_ADDRESS);
  const parsed = parseEndpoint(a, { what: '"ipamdAddress"' });
  if (!parsed.ok) throw invalid(`invalid network config: ${parsed.problem}`);
  return a;
}

/** A Go duration, at least 1 ms, clamped to the longest a timer can wait (about 24.8 days). */
function timeoutMs(o: Json): number {
  const text = str(o, "ipamdTimeout", "10s");
  let ms: number;
  try {
    ms = parseDuration(text, "ipamdTimeout");
  } catch {
    throw invalid(`invalid network config: "ipamdTimeout" is not a duration: ${quote(text)}`, "a Go duration, e.g. 1.5s, 250ms, 2m");
  }
  if (!(ms >= 1)) throw invalid(`invalid network config: "ipamdTimeout" must be at least 1ms, got ${JSON.stringify(clip(text, 80))}`);
  return Math.min(Math.ceil(ms), MAX_TIMER_MS);
}

/** aws-cni only limits the length; we also need prefix + 11 hex to be a kernel interface name. */
function vethPrefix(o: Json): string {
  const prefix = str(o, "vethPrefix", "eni");
  if (prefix.length > 4) throw invalid("conf.VethPrefix can be at most 4 characters long", `vethPrefix: ${JSON.stringify(clip(prefix, 80))}`);
  const name = parseIfName(`${prefix}0123456789a`);
  if (!name.ok) throw invalid("invalid network config: vethPrefix makes invalid interface names", name.problem);
  return prefix;
}

/** Paths the plugin writes under must not depend on the runtime's working directory. */
function absolutePath(o: Json, key: string, fallback: string): string {
  const p = str(o, key, fallback);
  if (!p.startsWith("/")) throw invalid(`invalid network config: "${key}" must be an absolute path, got ${JSON.stringify(clip(p, 200))}`);
  return p;
}

function clientVersion(o: Json): string {
  const v = str(o, "ipamdClientVersion", "");
  if (v.length > 128) throw invalid(`invalid network config: "ipamdClientVersion" is longer than 128 characters`);
  return v;
}

function lowerKeys(o: unknown, key: string): Record<string, unknown> {
  if (o === undefined || o === null) return {};
  if (typeof o !== "object" || Array.isArray(o)) throw invalid(`invalid network config: "${key}" must be an object`);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

function attachments(o: Json): Attachment[] | undefined {
  const key = o["cni.dev/valid-attachments"] !== undefined ? "cni.dev/valid-attachments" : "cni.dev/attachments";
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalid(`invalid network config: "${key}" must be an array`);
  return v.map((a: unknown, i) => {
    const e = lowerKeys(a, `${key}[${i}]`);
    if (typeof e.containerid !== "string" || typeof e.ifname !== "string") {
      throw invalid(`invalid network config: "${key}[${i}]" needs string containerID and ifname`);
    }
    return { containerId: e.containerid, ifName: e.ifname };
  });
}

export function parseNetConf(stdin: Uint8Array | string): NetConf {
  const o = decodeJson(stdin);
  const cniVersion = requireSupported(o.cniVersion);
  const name = str(o, "name", "");
  if (name === "") throw invalid("missing network name");
  const nameProblem = networkNameProblem(name);
  if (nameProblem !== undefined) throw invalid("invalid characters found in network name", nameProblem);
  const conf: NetConf = {
    cniVersion,
    name,
    type: str(o, "type", ""),
    vethPrefix: vethPrefix(o),
    mtu: podMtu(str(o, "mtu", "9001")),
    podSGEnforcingMode: oneOf(o, "podSGEnforcingMode", ["strict", "standard"], "strict"),
    pluginLogFile: str(o, "pluginLogFile", ""),
    pluginLogLevel: logLevel(o),
    ipamdAddress: ipamdAddress(o),
    ipamdTimeoutMs: timeoutMs(o),
    ipamdClientVersion: clientVersion(o),
    ipamdTransport: oneOf(o, "ipamdTransport", ["grpc-js", "http2"], "http2"),
    dataplane: oneOf(o, "dataplane", ["iproute2", "none"], "iproute2"),
    dataplaneOps: oneOf(o, "dataplaneOps", ["netlink", "ip"], "netlink"),
    stateDir: absolutePath(o, "stateDir", DEFAULT_STATE_DIR),
    runtimeConfig: Object.freeze(lowerKeys(o.runtimeConfig, "runtimeConfig")),
  };
  if (o.prevResult !== undefined && o.prevResult !== null) conf.prevResult = parsePrevResult(o.prevResult);
  const valid = attachments(o);
  if (valid !== undefined) conf.validAttachments = Object.freeze(valid);
  return Object.freeze(conf);
}
