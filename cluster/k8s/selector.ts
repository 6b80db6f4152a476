// meta/v1 LabelSelector: parsed from the wire, and matched as apimachinery's LabelSelectorAsSelector
// does (matchLabels AND every matchExpression; an empty selector selects everything; In/NotIn need
// values, Exists/DoesNotExist take none).

import { invalidField, object, optArray, optObject, str, strMap } from "./fields.js";
import type { LabelSelector, LabelSelectorRequirement } from "./types.js";

const OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/** A present selector, validated; absent (null/undefined) stays undefined. */
export function parseLabelSelector(v: unknown, what: string, path: string): LabelSelector | undefined {
  const o = optObject(v, what, path);
  if (o === undefined) return undefined;
  const sel: LabelSelector = {};
  const labels = strMap(o.matchLabels, what, `${path}.matchLabels`);
  if (Object.keys(labels).length > 0) sel.matchLabels = { ...labels };
  const exprs = optArray(o.matchExpressions, what, `${path}.matchExpressions`).map((e, i) => requirement(e, what, `${path}.matchExpressions[${i}]`));
  if (exprs.length > 0) sel.matchExpressions = exprs;
  return sel;
}

function requirement(v: unknown, what: string, path: string): LabelSelectorRequirement {
  const o = object(v, what, path);
  const key = str(o.key, what, `${path}.key`);
  const operator = str(o.operator, what, `${path}.operator`);
  if (!OPERATORS.has(operator)) throw invalidField(what, `${path}.operator`, `must be one of In, NotIn, Exists, DoesNotExist, got "${operator}"`);
  const values = optArray(o.values, what, `${path}.values`).map((x, i) => str(x, what, `${path}.values[${i}]`));
  const op = operator as LabelSelectorRequirement["operator"];
  if ((op === "In" || op === "NotIn") && values.length === 0) throw invalidField(what, `${path}.values`, `must be non-empty for operator ${op}`);
  if ((op === "Exists" || op === "DoesNotExist") && values.length > 0) throw invalidField(what, `${path}.values`, `must be empty for operator ${op}`);
  return values.length > 0 ? { key, operator: op, values } : { key, operator: op };
}

/** True when the labels satisfy the selector (an empty selector matches everything). */
export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case "In":
        if (!has || !(r.values ?? []).includes(value as string)) return false;
        break;
      case "NotIn":
        if (has && (r.values ?? []).includes(value as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** matchLabels only, as the harness's own configs write selectors. */
export function matchLabelsSelector(labels: Readonly<Record<string, string>>): LabelSelector {
  return Object.keys(labels).length === 0 ? {} : { matchLabels: { ...labels } };
}
