// Names that cross a process boundary (CNI env and args, rpc requests): container ids and network
// names (CNI spec), interface names (the kernel's dev_valid_name), netns paths, and the pod's
// Kubernetes name, namespace and uid (DNS-1123). docs/REFERENCE.md §5 and §13.
import { bad, ok, quote, type Brand, type Parsed } from "./parsed.js";

export type ContainerId = Brand<string, "ContainerId">;
export type NetworkName = Brand<string, "NetworkName">;
export type IfName = Brand<string, "IfName">;
export type NetnsPath = Brand<string, "NetnsPath">;
export type PodName = Brand<string, "PodName">;
export type PodNamespace = Brand<string, "PodNamespace">;
export type PodUid = Brand<string, "PodUid">;

/**
 * Characters no token of an `ip -batch` line may hold: iproute2's batch reader splits on
 * whitespace, strips quotes, ends the line at `#` and joins lines on a trailing `\`.
 */
const BATCH_UNSAFE = /[\s#\\'"\p{Cc}]/u;

/** Why `token` cannot be one word of an `ip -batch` line, or undefined. */
export function tokenProblem(token: string): string | undefined {
  if (token === "") return "an empty word";
  if (BATCH_UNSAFE.test(token)) return `${quote(token)} contains whitespace, #, \\, a quote or a control character`;
  return undefined;
}

/** CNI spec: container ids and network names share one pattern. Longer ids are refused, not cut. */
const ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MAX_ID_LENGTH = 1024;

function idProblem(what: string, id: string): string | undefined {
  if (id.length > MAX_ID_LENGTH) return `${what} is ${id.length} characters long; at most ${MAX_ID_LENGTH}`;
  return ID_RE.test(id) ? undefined : `invalid characters in ${what} ${quote(id)}`;
}

export const containerIdProblem = (id: string): string | undefined => idProblem("container id", id);
export const networkNameProblem = (name: string): string | undefined => idProblem("network name", name);

export function parseContainerId(id: string): Parsed<ContainerId> {
  const p = containerIdProblem(id);
  return p === undefined ? ok(id as ContainerId) : bad(p);
}

export function parseNetworkName(name: string): Parsed<NetworkName> {
  const p = networkNameProblem(name);
  return p === undefined ? ok(name as NetworkName) : bad(p);
}

/** IFNAMSIZ is 16 bytes with the terminating NUL. */
export const MAX_IFNAME_BYTES = 15;

/**
 * The kernel's dev_valid_name (net/core/dev.c): 1..15 bytes, not "." or "..", no "/", ":" or
 * whitespace. The kernel allows quotes, `#` and `\`; iproute2's batch language does not carry them
 * (tokenProblem), so this plugin and its daemon refuse them too.
 */
export function ifNameProblem(name: string): string | undefined {
  if (name === "") return "interface name is empty";
  if (Buffer.byteLength(name) > MAX_IFNAME_BYTES) return `interface name ${quote(name)} is longer than ${MAX_IFNAME_BYTES} bytes`;
  if (name === "." || name === "..") return `interface name ${quote(name)} is not allowed`;
  if (/[/:\s]/.test(name)) return `interface name ${quote(name)} contains "/", ":" or whitespace`;
  if (tokenProblem(name) !== undefined) return `interface name ${quote(name)} contains #, \\, a quote or a control character`;
  return undefined;
}

export function parseIfName(name: string): Parsed<IfName> {
  const p = ifNameProblem(name);
  return p === undefined ? ok(name as IfName) : bad(p);
}

/** PATH_MAX is 4096 bytes with the NUL. */
const MAX_PATH_BYTES = 4095;

/** CNI_NETNS: an absolute path that is one safe word (whether it is a netns is an I/O question). */
export function netnsPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return `netns path ${quote(path)} is not absolute`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `netns path is longer than ${MAX_PATH_BYTES} bytes`;
  if (tokenProblem(path) !== undefined) return `netns path ${quote(path)} contains whitespace, #, \\, a quote or a control character`;
  return undefined;
}

export function parseNetnsPath(path: string): Parsed<NetnsPath> {
  const p = netnsPathProblem(path);
  return p === undefined ? ok(path as NetnsPath) : bad(p);
}

// Kubernetes validation (apimachinery pkg/util/validation): pod names are DNS-1123 subdomains,
// namespaces DNS-1123 labels. Uids are UUIDs in practice; any DNS-1123-label-shaped text of either
// case is accepted.
const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN_RE = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const LABEL_RE = new RegExp(`^${LABEL}$`);
const UID_RE = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

function k8sProblem(what: string, value: string, max: number, re: RegExp, rule: string): string | undefined {
  if (value.length > max) return `${what} is ${value.length} characters long; at most ${max}`;
  return re.test(value) ? undefined : `${what} ${quote(value)} is not ${rule}`;
}

/** "" (not given) is fine: a plain cnitool call has no pod. */
export const podNameProblem = (v: string): string | undefined =>
  v === "" ? undefined : k8sProblem("pod name", v, 253, SUBDOMAIN_RE, "a DNS-1123 subdomain (lower-case a-z, 0-9, '-' and '.')");
export const podNamespaceProblem = (v: string): string | undefined =>
  v === "" ? undefined : k8sProblem("pod namespace", v, 63, LABEL_RE, "a DNS-1123 label (lower-case a-z, 0-9 and '-')");
export const podUidProblem = (v: string): string | undefined =>
  v === "" ? undefined : k8sProblem("pod uid", v, 63, UID_RE, "a uid (letters, digits and '-')");
