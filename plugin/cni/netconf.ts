// The network configuration on stdin, parsed and validated once into a frozen object: the spec's
// keys plus aws-cni's (docs/REFERENCE.md §3) and ours (docs/ARCHITECTURE.md, "Plugin netconf").
import { parseDuration } from "../../common/duration.js";
import { parsePrevResult } from "./convert.js";
import { CniCode, CniError } from "./errors.js";
import type { Result110 } from "./types110.js";
import { requireSupported, type CniVersion } from "./version.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";
export type DataplaneKind = "iproute2" | "none";
export type IpamdTransport = "grpc-js" | "http2";

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
  ipamdTimeoutMs: number;
  /**
   * Which client speaks gRPC to ipamd: the lean node:http2 one (default) or @grpc/grpc-js. Measured
   * (README, "Performance"): loading grpc-js costs every ADD and DEL about twice the CPU of http2.
   */
  ipamdTransport: IpamdTransport;
  dataplane: DataplaneKind;
  /** Where the plugin records its attachments per network, for GC. */
  stateDir: string;
  prevResult?: Result110;
  /** runtimeConfig with lower-cased keys (runtimes send Go field-name case, docs/REFERENCE.md §5). */
  runtimeConfig: Readonly<Record<string, unknown>>;
  /** GC: `cni.dev/valid-attachments` (or the older `cni.dev/attachments`); undefined when absent. */
  validAttachments?: readonly Attachment[];
}

/** Larger stdin is refused before parsing: a real netconf is a few KiB. */
export const MAX_NETCONF_BYTES = 1 << 20;
export const DEFAULT_IPAMD_ADDRESS = "unix:///run/mock-ipamd/ipamd.sock";
export const DEFAULT_STATE_DIR = "/var/lib/cni/mock-vpc-cni";
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const LOG_LEVELS: readonly string[] = ["debug", "info", "warn", "error", "fatal"];

type Json = Record<string, unknown>;

function invalid(msg: string, details?: string): CniError {
  return new CniError(CniCode.InvalidNetworkConfig, msg, { details });
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
  if (hit === undefined) throw invalid(`invalid network config: "${key}" must be one of ${allowed.join(", ")}, got "${v}"`);
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
  if (/^unix:\/\/\/./.test(a) || /^[^\s/]+:\d+$/.test(a)) return a;
  throw invalid(`invalid network config: "ipamdAddress" must be unix:///path or host:port, got "${a}"`);
}

function timeoutMs(o: Json): number {
  const text = str(o, "ipamdTimeout", "10s");
  let ms: number;
  try {
    ms = parseDuration(text, "ipamdTimeout");
  } catch (e) {
    throw invalid(`invalid network config: "ipamdTimeout" is not a duration: "${text}"`, String(e));
  }
  if (ms <= 0) throw invalid(`invalid network config: "ipamdTimeout" must be positive, got "${text}"`);
  return ms;
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

/** Decodes stdin: too large or not JSON -> code 6, bad version -> 1, bad keys -> 7 naming the key. */
export function decodeJson(stdin: Uint8Array | string): Json {
  const size = typeof stdin === "string" ? Buffer.byteLength(stdin) : stdin.byteLength;
  if (size > MAX_NETCONF_BYTES) {
    throw new CniError(CniCode.DecodingFailure, "network configuration too large", {
      details: `stdin has ${size} bytes; the limit is ${MAX_NETCONF_BYTES}`,
    });
  }
  const text = typeof stdin === "string" ? stdin : Buffer.from(stdin).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CniError(CniCode.DecodingFailure, "decoding version from network config", {
      details: e instanceof Error ? e.message : String(e),
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CniError(CniCode.DecodingFailure, "decoding version from network config", {
      details: "network config must be a JSON object",
    });
  }
  return parsed as Json;
}

export function parseNetConf(stdin: Uint8Array | string): NetConf {
  const o = decodeJson(stdin);
  const cniVersion = requireSupported(o.cniVersion);
  const name = str(o, "name", "");
  if (name === "") throw invalid("missing network name");
  if (!NAME_RE.test(name)) throw invalid("invalid characters found in network name", `name: "${name}"`);
  const vethPrefix = str(o, "vethPrefix", "eni");
  if (vethPrefix.length > 4) throw invalid("conf.VethPrefix can be at most 4 characters long", `vethPrefix: "${vethPrefix}"`);
  const conf: NetConf = {
    cniVersion,
    name,
    type: str(o, "type", ""),
    vethPrefix,
    mtu: podMtu(str(o, "mtu", "9001")),
    podSGEnforcingMode: oneOf(o, "podSGEnforcingMode", ["strict", "standard"], "strict"),
    pluginLogFile: str(o, "pluginLogFile", ""),
    pluginLogLevel: logLevel(o),
    ipamdAddress: ipamdAddress(o),
    ipamdTimeoutMs: timeoutMs(o),
    ipamdTransport: oneOf(o, "ipamdTransport", ["grpc-js", "http2"], "http2"),
    dataplane: oneOf(o, "dataplane", ["iproute2", "none"], "iproute2"),
    stateDir: str(o, "stateDir", DEFAULT_STATE_DIR),
    runtimeConfig: Object.freeze(lowerKeys(o.runtimeConfig, "runtimeConfig")),
  };
  if (o.prevResult !== undefined && o.prevResult !== null) conf.prevResult = parsePrevResult(o.prevResult);
  const valid = attachments(o);
  if (valid !== undefined) conf.validAttachments = Object.freeze(valid);
  return Object.freeze(conf);
}
