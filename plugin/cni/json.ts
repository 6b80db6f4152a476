// stdin's JSON, bounded before it is parsed (issue #10): at most MAX_NETCONF_BYTES, nested at most
// MAX_JSON_DEPTH deep, so no later step (conversion, printing) can run out of stack after the pod
// was configured. Too large, too deep or not JSON is code 6 (decoding failure).
import { clip } from "../../common/boundary/parsed.js";
import { CniCode, CniError } from "./errors.js";

/** Larger stdin is refused before parsing: a real netconf is a few KiB. */
export const MAX_NETCONF_BYTES = 1 << 20;
/** A netconf with a chained prevResult and runtimeConfig nests about 5 deep. */
export const MAX_JSON_DEPTH = 64;

export type Json = Record<string, unknown>;

/** The deepest nesting of objects and arrays in `text` (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/** Control characters as JSON escapes, so an error text stays one line. */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function decodeFailure(details: string): CniError {
  return new CniError(CniCode.DecodingFailure, "decoding version from network config", { details });
}

/** Decodes stdin: too large, too deep or not JSON -> code 6. */
export function decodeJson(stdin: Uint8Array | string): Json {
  const size = typeof stdin === "string" ? Buffer.byteLength(stdin) : stdin.byteLength;
  if (size > MAX_NETCONF_BYTES) {
    throw new CniError(CniCode.DecodingFailure, "network configuration too large", {
      details: `stdin has ${size} bytes; the limit is ${MAX_NETCONF_BYTES}`,
    });
  }
  const text = typeof stdin === "string" ? stdin : Buffer.from(stdin).toString("utf8");
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new CniError(CniCode.DecodingFailure, "network configuration nested too deep", {
      details: `objects and arrays may nest at most ${MAX_JSON_DEPTH} levels`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the input around the error: controls in it are escaped, the text cut.
    throw decodeFailure(escapeControls(clip(e instanceof Error ? e.message : String(e), 512)));
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw decodeFailure("network config must be a JSON object");
  return parsed as Json;
}
