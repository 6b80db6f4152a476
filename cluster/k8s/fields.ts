// Reading wire JSON at the edge: each helper checks one field's type and throws
// HarnessError("invalid") naming the object and the field, so a malformed API object is refused
// where it enters, never a TypeError deeper in.

import { HarnessError } from "../../common/errors.js";
import type { JsonObject } from "./types.js";

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A parse failure: `<what>: field <path> <problem>`, e.g. `Pod ns/a: field spec.nodeName must be a string`. */
export function invalidField(what: string, path: string, problem: string): HarnessError {
  return new HarnessError("invalid", `${what}: field ${path} ${problem}`, {
    causes: [{ field: path, message: problem, reason: "FieldValueInvalid" }],
  });
}

export function object(v: unknown, what: string, path: string): JsonObject {
  if (!isObject(v)) throw invalidField(what, path, "must be an object");
  return v;
}

export function optObject(v: unknown, what: string, path: string): JsonObject | undefined {
  return v === undefined || v === null ? undefined : object(v, what, path);
}

export function str(v: unknown, what: string, path: string): string {
  if (typeof v !== "string") throw invalidField(what, path, "must be a string");
  return v;
}

/** A string field that may be absent (""). */
export function optStr(v: unknown, what: string, path: string): string {
  return v === undefined || v === null ? "" : str(v, what, path);
}

export function optNum(v: unknown, what: string, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalidField(what, path, "must be a number");
  return v;
}

export function optBool(v: unknown, what: string, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw invalidField(what, path, "must be a boolean");
  return v;
}

export function optArray(v: unknown, what: string, path: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidField(what, path, "must be an array");
  return v;
}

/**
 * map[string]string (labels, annotations, resource lists); absent = {}. Frozen: a frozen input (the
 * memory store's objects are) is returned as it is, anything else copied first.
 */
export function strMap(v: unknown, what: string, path: string): Readonly<Record<string, string>> {
  if (v === undefined || v === null) return EMPTY;
  const o = object(v, what, path);
  for (const k in o) {
    const x = o[k];
    // Quantities may arrive as numbers from hand-written JSON; the API server always sends strings.
    if (typeof x === "number") return Object.freeze(Object.fromEntries(Object.entries(o).map(([a, b]) => [a, String(b)])));
    if (typeof x !== "string") throw invalidField(what, `${path}.${k}`, "must be a string");
  }
  return Object.isFrozen(o) ? (o as Readonly<Record<string, string>>) : Object.freeze({ ...(o as Record<string, string>) });
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/**
 * RFC 3339 text to epoch ms: whole seconds from a real API server, milliseconds from our store,
 * up to nanoseconds from our event recorder (simulated time is fractional ms; Date.parse keeps ms,
 * the digits beyond are added back).
 */
export function time(v: unknown, what: string, path: string): number {
  const s = str(v, what, path);
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || !/^\d{4}-\d\d-\d\dT/.test(s)) throw invalidField(what, path, `must be an RFC 3339 time, got "${s}"`);
  const sub = /\.\d{3}(\d{1,6})(?:Z|[+-])/.exec(s);
  return sub === null ? ms : ms + Number((sub[1] as string).padEnd(6, "0")) / 1e6;
}

export function optTime(v: unknown, what: string, path: string): number | undefined {
  return v === undefined || v === null || v === "" ? undefined : time(v, what, path);
}

/** Epoch ms to RFC 3339: milliseconds, and nanoseconds when the time has a fraction of a ms. */
export function formatTime(ms: number): string {
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString();
  const nanos = Math.round((ms - whole) * 1e6);
  return nanos === 0 ? iso : `${iso.slice(0, -1)}${String(Math.min(nanos, 999_999)).padStart(6, "0")}Z`;
}
