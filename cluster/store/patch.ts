// JSON merge patch (RFC 7386) and JSON patch (RFC 6902) on wire JSON. The merge patch shares every
// unchanged subtree with the original (stored objects are frozen, so sharing is safe and cheap).
// Errors as the API server's patch handler returns them (apiserver pkg/endpoints/handlers/patch.go):
// an undecodable patch is 400 BadRequest, a JSON patch that cannot be applied 422.

import { HarnessError } from "../../common/errors.js";
import { badRequest } from "./errors.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 7386 MergePatch(target, patch). Never mutates either argument. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const base: Record<string, unknown> = isObject(target) ? target : {};
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      if (!Object.prototype.hasOwnProperty.call(base, k)) continue;
      out ??= { ...base };
      delete out[k];
    } else {
      const merged = mergePatch(base[k], v);
      if (merged === base[k]) continue;
      out ??= { ...base };
      out[k] = merged;
    }
  }
  return out ?? (isObject(target) ? target : {});
}

/** A JSON patch operation (RFC 6902 §4). */
interface Operation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Checks the shape of a JSON patch document (400 BadRequest when it is not one). */
export function decodeJsonPatch(doc: unknown): Operation[] {
  if (!Array.isArray(doc)) throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  return doc.map((raw: unknown, i) => {
    if (!isObject(raw)) throw badRequest(`json: cannot unmarshal ${typeof raw} into Go value of type jsonpatch.Operation (operation ${i})`);
    const op = raw.op;
    if (typeof op !== "string" || !OPS.has(op)) throw badRequest(`Unexpected kind: ${String(op)}`);
    if (typeof raw.path !== "string") throw badRequest(`operation ${i} (${op}) has no "path"`);
    if ((op === "move" || op === "copy") && typeof raw.from !== "string") throw badRequest(`operation ${i} (${op}) has no "from"`);
    if ((op === "add" || op === "replace" || op === "test") && !("value" in raw)) throw badRequest(`operation ${i} (${op}) has no "value"`);
    return raw as unknown as Operation;
  });
}

const unprocessable = (message: string): HarnessError => new HarnessError("invalid", message);

/** RFC 6901 pointer → reference tokens. */
function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw unprocessable(`invalid JSON pointer: "${path}"`);
  return path.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Record<string, unknown> | unknown[];

/** The parent container of a pointer and the last token (the document is a mutable deep copy). */
function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, path, false)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw unprocessable(`doc is missing path: "${path}": missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] ?? "" };
}

function arrayIndex(arr: unknown[], t: string, path: string, forAdd: boolean): number {
  if (forAdd && t === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(t)) throw unprocessable(`Unable to access invalid index: ${t}: ${path}`);
  const i = Number(t);
  if (i > arr.length || (!forAdd && i === arr.length)) throw unprocessable(`Unable to access invalid index: ${t}: ${path}`);
  return i;
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, path, false)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

function removeAt(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) throw unprocessable(`Unable to remove the whole document: "${path}"`);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw unprocessable(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 6902 on a deep copy of target; the result shares nothing with either argument. */
export function applyJsonPatch(target: unknown, ops: readonly Operation[]): unknown {
  let doc: unknown = structuredClone(target);
  for (const o of ops) {
    switch (o.op) {
      case "add":
        doc = addAt(doc, o.path, structuredClone(o.value));
        break;
      case "remove":
        doc = removeAt(doc, o.path);
        break;
      case "replace":
        getAt(doc, o.path);
        doc = o.path === "" ? structuredClone(o.value) : addAt(removeAt(doc, o.path), o.path, structuredClone(o.value));
        break;
      case "move": {
        const v = getAt(doc, o.from ?? "");
        doc = addAt(removeAt(doc, o.from ?? ""), o.path, v);
        break;
      }
      case "copy":
        doc = addAt(doc, o.path, structuredClone(getAt(doc, o.from ?? "")));
        break;
      case "test":
        if (!deepEqual(getAt(doc, o.path), o.value)) throw unprocessable(`testing value ${o.path} failed: test failed`);
        break;
    }
  }
  return doc;
}
