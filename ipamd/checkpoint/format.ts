// Encodes and strictly decodes the vpc-cni-ipam/1 JSON (the real ipamd's CheckpointData): a file
// that is not JSON, has another version, or has malformed entries is refused with a message that
// names the file and the problem, never silently discarded.

import { HarnessError } from "../../common/errors.js";
import type { CheckpointAllocation, CheckpointData, CheckpointMetadata } from "./types.js";
import { CHECKPOINT_VERSION } from "./types.js";

const NS_PER_MS = 1_000_000n;

/**
 * JSON as the real ipamd writes it; allocationTimestamp in Unix nanoseconds (Go's UnixNano). The
 * whole file is written on every change (as the real ipamd does), so the cost per write matters:
 * each allocation's bytes are made once and kept with the (immutable) allocation object, and the
 * file is assembled in one reused buffer (CheckpointEncoder). `npm run bench checkpoint` has both
 * ways side by side: with 1,000 leases, encoding everything again cost about 3 ms of CPU per write
 * (much of it page faults of a fresh 280 KB string and buffer), the kept bytes about 0.3 ms.
 */
export function encodeCheckpoint(data: CheckpointData): string {
  return new CheckpointEncoder().encode(data).toString("utf8");
}

/** Assembles checkpoint files in one buffer, grown when needed and reused by every write. */
export class CheckpointEncoder {
  #buf = Buffer.allocUnsafe(16 * 1024);

  /** The file's bytes: a view of the encoder's buffer, valid until the next encode(). */
  encode(data: CheckpointData): Buffer {
    const head = Buffer.from(`{"version":${JSON.stringify(data.version)},"allocations":[`, "utf8");
    const items = data.allocations.map(encodeAllocation);
    let size = head.length + 2 + Math.max(0, items.length - 1);
    for (const b of items) size += b.length;
    if (size > this.#buf.length) this.#buf = Buffer.allocUnsafe(Math.max(size, this.#buf.length * 2));
    const out = this.#buf;
    let at = head.copy(out, 0);
    items.forEach((b, i) => {
      if (i > 0) out[at++] = COMMA;
      at += b.copy(out, at);
    });
    out[at++] = CLOSE_BRACKET;
    out[at++] = CLOSE_BRACE;
    return out.subarray(0, at);
  }
}

const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const encoded = new WeakMap<CheckpointAllocation, Buffer>();

/** One allocation's JSON object (UTF-8), in the real key order; made once per allocation object. */
export function encodeAllocation(a: CheckpointAllocation): Buffer {
  let bytes = encoded.get(a);
  if (bytes === undefined) {
    const s = JSON.stringify;
    // Nanoseconds overflow a double's exact range: the digits come from a bigint.
    const ns = BigInt(Math.round(a.allocationTimestampMs)) * NS_PER_MS;
    bytes = Buffer.from(
      `{"networkName":${s(a.networkName)},"containerID":${s(a.containerID)},"ifName":${s(a.ifName)},"ipv4":${s(a.ipv4)},` +
        `"allocationTimestamp":${ns},"metadata":${s(encodeMetadata(a.metadata))}}`,
      "utf8",
    );
    encoded.set(a, bytes);
  }
  return bytes;
}

/** Go's omitempty: empty strings and zero counts are left out. */
function encodeMetadata(m: CheckpointMetadata): CheckpointMetadata {
  const out: { k8sPodNamespace?: string; k8sPodName?: string; interfacesCount?: number } = {};
  if (m.k8sPodNamespace !== undefined && m.k8sPodNamespace !== "") out.k8sPodNamespace = m.k8sPodNamespace;
  if (m.k8sPodName !== undefined && m.k8sPodName !== "") out.k8sPodName = m.k8sPodName;
  if (m.interfacesCount !== undefined && m.interfacesCount !== 0) out.interfacesCount = m.interfacesCount;
  return out;
}

/** Parses and validates; `where` names the file in errors. */
export function decodeCheckpoint(text: string, where: string): CheckpointData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e: unknown) {
    throw refused(where, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(doc)) throw refused(where, "not a JSON object");
  if (doc["version"] !== CHECKPOINT_VERSION) {
    throw refused(where, `format version ${JSON.stringify(doc["version"])} is not ${JSON.stringify(CHECKPOINT_VERSION)}`);
  }
  const list = doc["allocations"];
  if (list !== null && list !== undefined && !Array.isArray(list)) throw refused(where, `"allocations" is not an array`);
  const allocations = (list ?? []).map((entry: unknown, i: number) => decodeAllocation(entry, `${where}: allocations[${i}]`));
  return { version: CHECKPOINT_VERSION, allocations };
}

function decodeAllocation(entry: unknown, where: string): CheckpointAllocation {
  if (!isRecord(entry)) throw refused(where, "not an object");
  const str = (k: string, required: boolean): string => {
    const v = entry[k];
    if (v === undefined && !required) return "";
    if (typeof v !== "string" || (required && v === "")) throw refused(where, `"${k}" must be a non-empty string`);
    return v;
  };
  const ts = entry["allocationTimestamp"];
  if (ts !== undefined && (typeof ts !== "number" || !Number.isFinite(ts))) {
    throw refused(where, `"allocationTimestamp" must be a number (Unix nanoseconds)`);
  }
  if (entry["ipv4"] === undefined && typeof entry["ipv6"] === "string") {
    throw refused(where, "an IPv6 allocation; this harness's datastore is IPv4 only");
  }
  const ipv4 = str("ipv4", true);
  if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(ipv4)) throw refused(where, `"ipv4" ${JSON.stringify(ipv4)} is not an IPv4 address`);
  return {
    networkName: str("networkName", true),
    containerID: str("containerID", true),
    ifName: str("ifName", true),
    ipv4,
    allocationTimestampMs: ts === undefined ? 0 : Math.round(ts / 1e6),
    metadata: decodeMetadata(entry["metadata"], where),
  };
}

function decodeMetadata(m: unknown, where: string): CheckpointMetadata {
  if (m === undefined || m === null) return {};
  if (!isRecord(m)) throw refused(where, `"metadata" is not an object`);
  const ns = m["k8sPodNamespace"];
  const name = m["k8sPodName"];
  const count = m["interfacesCount"];
  if (ns !== undefined && typeof ns !== "string") throw refused(where, `"metadata.k8sPodNamespace" is not a string`);
  if (name !== undefined && typeof name !== "string") throw refused(where, `"metadata.k8sPodName" is not a string`);
  if (count !== undefined && !Number.isInteger(count)) throw refused(where, `"metadata.interfacesCount" is not an integer`);
  const out: { k8sPodNamespace?: string; k8sPodName?: string; interfacesCount?: number } = {};
  if (typeof ns === "string") out.k8sPodNamespace = ns;
  if (typeof name === "string") out.k8sPodName = name;
  if (typeof count === "number") out.interfacesCount = count;
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function refused(where: string, problem: string): HarnessError {
  return new HarnessError("invalid-config", `checkpoint ${where}: ${problem}; refusing to start with it`, {
    details: "the file is kept as it is; move it aside (or fix it) to start with an empty datastore",
  });
}
