// A structural schema (the OpenAPI v3 subset CRDs use: type, properties, additionalProperties,
// items, required, enum, minItems, maxItems, minLength, x-kubernetes-preserve-unknown-fields,
// x-kubernetes-int-or-string) and one walk that prunes unknown fields, reports them for
// fieldValidation, and checks types and bounds, as apiextensions-apiserver does for custom
// resources and the strict decoder for built-in kinds (docs/REFERENCE.md §10).

import type { ErrorCause } from "../../common/errors.js";
import { isObject } from "./patch.js";

export interface Schema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Readonly<Record<string, Schema>>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: readonly string[];
  enum?: readonly unknown[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  format?: string;
  nullable?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: readonly string[];
}

export interface SchemaResult {
  /** The value with unknown fields dropped (the same reference when nothing was dropped). */
  value: unknown;
  /** Paths of unknown fields, as the strict decoder names them: `spec.foo`, `spec.containers[0].bar`. */
  unknown: string[];
  /** Type, required and bound violations (422 for custom resources). */
  causes: ErrorCause[];
}

const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);

function typeMatches(s: Schema, v: unknown): boolean {
  if (s["x-kubernetes-int-or-string"] === true) return typeof v === "string" || (typeof v === "number" && Number.isInteger(v));
  if (s.type === undefined) return true;
  const t = typeOf(v);
  if (s.type === "number") return t === "number" || t === "integer";
  return t === s.type;
}

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : typeof v === "number" || typeof v === "boolean" ? String(v) : typeOf(v));

/** Walks value against schema; path is the field path of value ("" at the root). */
export function checkSchema(value: unknown, schema: Schema, path = ""): SchemaResult {
  const out: SchemaResult = { value, unknown: [], causes: [] };
  out.value = walk(value, schema, path, out);
  return out;
}

function walk(v: unknown, s: Schema, path: string, r: SchemaResult): unknown {
  const field = path === "" ? "<root>" : path;
  if (v === null) {
    if (s.nullable !== true && s.type !== undefined) r.causes.push({ field, reason: "FieldValueInvalid", message: `Invalid value: "null": ${field} in body must be of type ${s.type}: "null"` });
    return v;
  }
  if (!typeMatches(s, v)) {
    const want = s["x-kubernetes-int-or-string"] === true ? "integer or string" : s.type ?? "";
    r.causes.push({ field, reason: "FieldValueTypeInvalid", message: `Invalid value: ${show(v)}: ${field} in body must be of type ${want}: "${typeOf(v)}"` });
    return v;
  }
  if (s.enum !== undefined && !s.enum.includes(v)) {
    r.causes.push({ field, reason: "FieldValueNotSupported", message: `Unsupported value: ${show(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(", ")}` });
  }
  if (typeof v === "string" && s.minLength !== undefined && v.length < s.minLength) {
    r.causes.push({ field, reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(v)}: ${field} in body should be at least ${s.minLength} chars long` });
  }
  if (Array.isArray(v)) return walkArray(v, s, path, r);
  if (isObject(v)) return walkObject(v, s, path, r);
  return v;
}

function walkArray(v: unknown[], s: Schema, path: string, r: SchemaResult): unknown {
  const field = path === "" ? "<root>" : path;
  if (s.minItems !== undefined && v.length < s.minItems) r.causes.push({ field, reason: "FieldValueInvalid", message: `Invalid value: ${v.length}: ${field} in body should have at least ${s.minItems} items` });
  if (s.maxItems !== undefined && v.length > s.maxItems) r.causes.push({ field, reason: "FieldValueTooMany", message: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
  if (s.items === undefined) return v;
  const items = s.items;
  let copy: unknown[] | undefined;
  v.forEach((el, i) => {
    const next = walk(el, items, `${path}[${i}]`, r);
    if (next !== el) {
      copy ??= [...v];
      copy[i] = next;
    }
  });
  return copy ?? v;
}

function walkObject(v: Record<string, unknown>, s: Schema, path: string, r: SchemaResult): unknown {
  for (const req of s.required ?? []) {
    if (!(req in v)) r.causes.push({ field: path === "" ? req : `${path}.${req}`, reason: "FieldValueRequired", message: "Required value" });
  }
  const props = s.properties;
  const extra = s.additionalProperties;
  if (props === undefined && extra === undefined) return v;
  let copy: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const sub = props?.[k] ?? (typeof extra === "object" ? extra : undefined);
    const childPath = path === "" ? k : `${path}.${k}`;
    if (sub === undefined) {
      if (extra === true || s["x-kubernetes-preserve-unknown-fields"] === true) continue;
      r.unknown.push(childPath);
      copy ??= { ...v };
      delete copy[k];
      continue;
    }
    const next = walk(x, sub, childPath, r);
    if (next !== x) {
      copy ??= { ...v };
      copy[k] = next;
    }
  }
  return copy ?? v;
}
