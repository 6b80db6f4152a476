// Field selectors (apimachinery pkg/fields/selector.go): `f=v`, `f==v`, `f!=v` joined by commas,
// with `\,` `\=` `\\` escapes. Which fields a resource supports is its strategy's table
// (pkg/registry/core/*/strategy.go ToSelectableFields); any other field is a 400 BadRequest.

import type { K8sObject } from "../k8s/types.js";
import { badRequest } from "./errors.js";

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** A resource's selectable fields: name → the value read from an object ("" when absent). */
export type FieldTable = Readonly<Record<string, (o: K8sObject) => string>>;

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");

/** Every resource supports these two. */
export const META_FIELDS: FieldTable = {
  "metadata.name": (o) => str(o.metadata.name),
  "metadata.namespace": (o) => str(o.metadata.namespace),
};

/** Splits on unescaped separators and unescapes the parts. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      cur += c + (s[i + 1] ?? "");
      i++;
    } else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => c);
}

/** The first unescaped occurrence of an operator in a term. */
function findOp(term: string): { at: number; op: "=" | "!=" | "=="; len: number } | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === "\\") {
      i++;
      continue;
    }
    if (term.startsWith("!=", i)) return { at: i, op: "!=", len: 2 };
    if (term.startsWith("==", i)) return { at: i, op: "==", len: 2 };
    if (term[i] === "=") return { at: i, op: "=", len: 1 };
  }
  return undefined;
}

/**
 * Parses a selector against a resource's table. `custom` picks the message of a custom resource
 * (apiextensions-apiserver) instead of a built-in one.
 */
export function parseFieldSelector(s: string, table: FieldTable, custom = false): FieldRequirement[] {
  if (s.trim() === "") return [];
  const out: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term === "") continue;
    const op = findOp(term);
    if (op === undefined) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = unescape(term.slice(0, op.at)).trim();
    const value = unescape(term.slice(op.at + op.len));
    if (table[field] === undefined) {
      throw badRequest(custom ? `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"` : `field label not supported: ${field}`);
    }
    out.push({ field, op: op.op === "!=" ? "!=" : "=", value });
  }
  return out;
}

export function matchesFields(reqs: readonly FieldRequirement[], table: FieldTable, o: K8sObject): boolean {
  for (const r of reqs) {
    const get = table[r.field];
    const v = get === undefined ? "" : get(o);
    if ((v === r.value) !== (r.op === "=")) return false;
  }
  return true;
}
