// An API server's error reply (a meta/v1 Status, or a bare status code) as a HarnessError: the
// kind from the code and reason, the Status message kept, its causes carried along.

import type { ErrorCause, HarnessErrorKind } from "../../../common/errors.js";
import { HarnessError } from "../../../common/errors.js";

function kindOf(code: number, reason: string): HarnessErrorKind {
  switch (code) {
    case 400:
      return "invalid-argument";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not-found";
    case 405:
      return "method-not-allowed";
    case 409:
      return reason === "AlreadyExists" ? "already-exists" : "conflict";
    case 410:
      return "expired";
    case 413:
      return "too-large";
    case 415:
      return "unsupported-media-type";
    case 422:
      return "invalid";
    case 429:
      return "too-many-requests";
    case 503:
    case 502:
      return "unavailable";
    case 504:
      return "deadline";
    default:
      return code >= 500 ? "internal" : "invalid-argument";
  }
}

function causesOf(details: unknown): ErrorCause[] | undefined {
  if (typeof details !== "object" || details === null) return undefined;
  const causes = (details as { causes?: unknown }).causes;
  if (!Array.isArray(causes)) return undefined;
  return causes.map((c: Record<string, unknown>) => ({
    field: typeof c.field === "string" ? c.field : "",
    message: typeof c.message === "string" ? c.message : "",
    reason: typeof c.reason === "string" ? c.reason : "",
  }));
}

/** `what` says which call failed, e.g. "PATCH pods sgp/web". */
export function statusError(code: number, body: string, what: string): HarnessError {
  let reason = "";
  let message = body.trim().slice(0, 500) || `HTTP ${code}`;
  let causes: ErrorCause[] | undefined;
  try {
    const s = JSON.parse(body) as Record<string, unknown>;
    if (s.kind === "Status") {
      reason = typeof s.reason === "string" ? s.reason : "";
      if (typeof s.message === "string" && s.message !== "") message = s.message;
      causes = causesOf(s.details);
    }
  } catch {
    // Not JSON (a proxy's HTML page): keep the text.
  }
  return new HarnessError(kindOf(code, reason), message, {
    details: `${what}: HTTP ${code}${reason === "" ? "" : ` ${reason}`}`,
    ...(causes === undefined ? {} : { causes }),
  });
}

/** A request that never got an answer: deadline (ours), aborted (the caller's), or the network. */
export function transportError(e: unknown, what: string, timedOut: boolean): HarnessError {
  if (timedOut) return new HarnessError("deadline", `${what}: no answer within the deadline`, { cause: e });
  const code = (e as { code?: unknown }).code;
  const text = e instanceof Error ? e.message : String(e);
  return new HarnessError("unavailable", `${what}: ${text}`, { cause: e, ...(typeof code === "string" ? { details: code } : {}) });
}
