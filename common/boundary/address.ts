// The one parser of listen and dial addresses (the plugin's ipamdAddress, mock-ipamd's --listen,
// --control, --introspection, --metrics): `unix:///absolute/path` or `host:port`, where host is a
// dotted quad, a bracketed IPv6 address or a DNS name. Plus whether an address is loopback-only.
import { isIpv6, parseIpv4 } from "./net.js";
import { bad, ok, quote, type Parsed } from "./parsed.js";

export type Endpoint = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

export interface EndpointRules {
  /** Names the setting in problems, e.g. `--listen` or `"ipamdAddress"`. */
  what: string;
  /** `unix:///path` allowed (default true). */
  unix?: boolean;
  /** Port 0 ("any free port") allowed: listeners only (default false). */
  anyPort?: boolean;
}

/** sun_path is 108 bytes with the terminating NUL. */
export const MAX_UNIX_PATH_BYTES = 107;
const HOSTNAME_RE = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

function unixEndpoint(text: string, r: EndpointRules): Parsed<Endpoint> {
  const path = text.slice("unix://".length);
  if (!path.startsWith("/") || path.length < 2) return bad(`${r.what}: ${quote(text)} needs an absolute path (unix:///path)`);
  if (/[\0-\x1f\x7f]/.test(path)) return bad(`${r.what}: ${quote(text)} has a control character in its path`);
  if (Buffer.byteLength(path) > MAX_UNIX_PATH_BYTES) return bad(`${r.what}: socket path is longer than ${MAX_UNIX_PATH_BYTES} bytes`);
  return ok({ kind: "unix", path });
}

function badHost(host: string): boolean {
  if (host.startsWith("[")) return !(host.endsWith("]") && isIpv6(host.slice(1, -1)));
  if (/^[\d.]+$/.test(host)) return !parseIpv4(host).ok;
  return !HOSTNAME_RE.test(host);
}

export function parseEndpoint(text: unknown, r: EndpointRules): Parsed<Endpoint> {
  const shape = r.unix === false ? "host:port" : "unix:///path or host:port";
  if (typeof text !== "string") return bad(`${r.what} must be a string (${shape})`);
  if (text.startsWith("unix:")) {
    if (r.unix === false) return bad(`${r.what}: ${quote(text)} must be host:port (no Unix socket here)`);
    return text.startsWith("unix://") ? unixEndpoint(text, r) : bad(`${r.what}: ${quote(text)} must be written unix:///path`);
  }
  const m = /^(.*):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (m === null || badHost(m[1] as string)) return bad(`${r.what}: ${quote(text)} is not ${shape}`);
  if (port > 65535 || (port === 0 && r.anyPort !== true)) {
    return bad(`${r.what}: port ${m[2]} is out of range (${r.anyPort === true ? 0 : 1}..65535)`);
  }
  const host = m[1] as string;
  return ok({ kind: "tcp", host: host.startsWith("[") ? host.slice(1, -1) : host, port });
}

/** The address as written back (IPv6 hosts bracketed). */
export function formatEndpoint(e: Endpoint): string {
  return e.kind === "unix" ? `unix://${e.path}` : `${e.host.includes(":") ? `[${e.host}]` : e.host}:${e.port}`;
}

/**
 * True when only this host can connect: a Unix socket, 127.0.0.0/8, ::1 or "localhost". Any other
 * name may resolve to a routable address, so it counts as remote.
 */
export function isLoopback(e: Endpoint): boolean {
  if (e.kind === "unix") return true;
  if (e.host === "localhost" || e.host === "::1") return true;
  return parseIpv4(e.host).ok && e.host.startsWith("127.");
}

/** Why an API server stays on loopback by default. */
export const API_RISK = "the API holds the whole cluster behind one token";

export interface ListenRules {
  /** Names the setting in problems, e.g. `--listen`. */
  what: string;
  /** A non-loopback address is allowed (the user said so with `remoteFlag`). */
  allowRemote: boolean;
  /** The flag that allows it, named in the problem. */
  remoteFlag: string;
  /** Why remote needs that flag, e.g. "the API holds the whole cluster behind one token". */
  remoteRisk: string;
}

/**
 * Where a daemon serves (the api-server's and mock-ec2's --listen, mock-ipamd's and the demo's
 * --serve-api): HOST:PORT or [V6]:PORT, HOST an IP address or localhost, port 0 for any free one;
 * loopback only unless the user allowed more.
 */
export function parseListenAddress(text: string, r: ListenRules): Parsed<{ host: string; port: number }> {
  const p = parseEndpoint(text, { what: r.what, unix: false, anyPort: true });
  if (!p.ok) return bad(`${p.problem}; expected HOST:PORT, e.g. 127.0.0.1:6443 or [::1]:6443 (port 0: any free port)`);
  if (p.value.kind !== "tcp") return bad(`${r.what}: ${quote(text)} is not HOST:PORT`);
  const { host, port } = p.value;
  if (host !== "localhost" && !parseIpv4(host).ok && !isIpv6(host)) return bad(`${r.what} ${text}: ${host} is not an IP address (or localhost)`);
  if (!isLoopback(p.value) && !r.allowRemote) {
    return bad(`${r.what} ${text}: not a loopback address (127.x, ::1, localhost); ${r.remoteRisk}, so listening beyond this machine needs ${r.remoteFlag}`);
  }
  return ok({ host, port });
}
