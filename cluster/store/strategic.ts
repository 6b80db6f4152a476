// Strategic merge patch (apimachinery pkg/util/strategicpatch) for the built-in kinds: maps merge as
// in a JSON merge patch; a list whose Go field carries `patchStrategy:"merge"` merges element by its
// `patchMergeKey` (containers by name, env by name, ports by containerPort, conditions by type...),
// or as a set for lists of scalars (finalizers); every other list is replaced. Directives:
// `$patch: replace|delete|merge` in a map or list element, `$retainKeys`,
// `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` (kubectl apply sends these).
// The merge keys are per kind, by field path (list elements as "[]"): see MERGE_KEYS in strategies.

import { badRequest } from "./errors.js";
import { isObject } from "./patch.js";

/** Field path ("spec.containers", "spec.containers[].env") → merge key, or SET for a list of scalars. */
export type MergeKeys = Readonly<Record<string, string>>;
export const SET = "$set";

const DIRECTIVE = "$patch";
const RETAIN = "$retainKeys";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";
const ORDER = "$setElementOrder/";

const join = (path: string, k: string): string => (path === "" ? k : `${path}.${k}`);

/** Removes directives from a value that replaces (not merges into) the original. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((e) => !(isObject(e) && e[DIRECTIVE] !== undefined && Object.keys(e).length === 1)).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(ORDER)) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

/** Applies a strategic merge patch to a map; undefined means "$patch: delete" removed the whole map. */
export function strategicMerge(target: unknown, patch: unknown, keys: MergeKeys, path = ""): unknown {
  if (!isObject(patch)) throw badRequest("strategic merge patch: the patch must be a JSON object");
  const directive = patch[DIRECTIVE];
  if (directive === "delete") return undefined;
  if (directive === "replace") return stripDirectives(patch);
  if (directive !== undefined && directive !== "merge") throw badRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  const base: Record<string, unknown> = isObject(target) ? target : {};
  const out: Record<string, unknown> = { ...base };
  let changed = !isObject(target);
  const orders: [string, unknown][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN) continue;
    if (k.startsWith(ORDER)) {
      orders.push([k.slice(ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(v)) throw badRequest(`${k}: the value must be a list`);
      const cur = out[field];
      if (Array.isArray(cur)) {
        out[field] = cur.filter((x) => !v.includes(x));
        changed = true;
      }
      continue;
    }
    const next = mergeValue(base[k], v, keys, join(path, k));
    if (next === base[k] && Object.prototype.hasOwnProperty.call(base, k)) continue;
    changed = true;
    if (next === undefined) delete out[k];
    else out[k] = next;
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur) && Array.isArray(order)) {
      out[field] = applyOrder(cur, order, keys[join(path, field)]);
      changed = true;
    }
  }
  const retain = patch[RETAIN];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) {
      if (!retain.includes(k)) {
        delete out[k];
        changed = true;
      }
    }
  }
  return changed ? out : target;
}

function mergeValue(orig: unknown, v: unknown, keys: MergeKeys, path: string): unknown {
  if (v === null) return undefined;
  if (isObject(v)) return strategicMerge(orig, v, keys, path);
  if (!Array.isArray(v)) return v;
  const key = keys[path];
  if (key === undefined) return stripDirectives(v);
  if (key === SET) return mergeSet(Array.isArray(orig) ? orig : [], v);
  return mergeList(Array.isArray(orig) ? orig : [], v, key, keys, `${path}[]`);
}

function mergeSet(orig: unknown[], v: unknown[]): unknown[] {
  const out = [...orig];
  for (const x of v) if (!out.includes(x)) out.push(x);
  return out;
}

function mergeList(orig: unknown[], patch: unknown[], key: string, keys: MergeKeys, path: string): unknown[] {
  if (patch.some((e) => isObject(e) && e[DIRECTIVE] === "replace")) return stripDirectives(patch.filter((e) => !(isObject(e) && e[DIRECTIVE] === "replace"))) as unknown[];
  const out = [...orig];
  for (const el of patch) {
    if (!isObject(el)) throw badRequest(`strategic merge patch: ${path}: an element of a list merged by "${key}" must be an object`);
    if (!(key in el)) throw badRequest(`map: ${JSON.stringify(el)} does not contain declared merge key: ${key}`);
    const at = out.findIndex((o) => isObject(o) && o[key] === el[key]);
    if (el[DIRECTIVE] === "delete") {
      if (at >= 0) {
        for (let i = out.length - 1; i >= 0; i--) {
          const o = out[i];
          if (isObject(o) && o[key] === el[key]) out.splice(i, 1);
        }
      }
      continue;
    }
    if (at >= 0) {
      const merged = strategicMerge(out[at], el, keys, path);
      if (merged === undefined) out.splice(at, 1);
      else out[at] = merged;
    } else out.push(stripDirectives(el));
  }
  return out;
}

/** `$setElementOrder/<field>`: the listed elements first, in that order, then the rest as they were. */
function applyOrder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown): unknown => (key !== undefined && key !== SET && isObject(x) ? x[key] : x);
  const want = order.map((o) => (key !== undefined && key !== SET && isObject(o) ? o[key] : o));
  const placed = new Set<number>();
  const out: unknown[] = [];
  for (const w of want) {
    const i = list.findIndex((x, j) => !placed.has(j) && id(x) === w);
    if (i >= 0) {
      placed.add(i);
      out.push(list[i]);
    }
  }
  list.forEach((x, j) => {
    if (!placed.has(j)) out.push(x);
  });
  return out;
}
