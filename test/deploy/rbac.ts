// A ClusterRole's rules evaluated as the RBAC authorizer does (rbac/v1 PolicyRule: apiGroups,
// resources as "plural" or "plural/subresource", verbs, resourceNames limiting requests that name
// an object), and what a set of recorded requests used of them.
import type { RequestAttributes } from "../../apiserver/authz.js";
import type { K } from "./parts.js";

const has = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).includes("*") || (list ?? []).includes(v);

const resourceOf = (a: Pick<RequestAttributes, "resource" | "subresource">): string => (a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`);

export function ruleAllows(r: K.Rule, a: RequestAttributes): boolean {
  if (!has(r.apiGroups, a.apiGroup) || !has(r.resources, resourceOf(a)) || !has(r.verbs, a.verb)) return false;
  return r.resourceNames === undefined || r.resourceNames.length === 0 || (a.name !== "" && r.resourceNames.includes(a.name));
}

export const allows = (rules: readonly K.Rule[], a: RequestAttributes): boolean => rules.some((r) => ruleAllows(r, a));

/** One line per permission a role grants: "group/resource verb [name]". */
export function grants(rules: readonly K.Rule[]): string[] {
  const out: string[] = [];
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) {
    for (const n of r.resourceNames ?? [""]) out.push(`${g}/${res} ${v}${n === "" ? "" : ` ${n}`}`);
  }
  return out.sort();
}

/** The grants (as `grants` names them) that at least one recorded request needed. */
export function usedGrants(rules: readonly K.Rule[], requests: readonly RequestAttributes[]): string[] {
  const used = new Set<string>();
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) {
    for (const n of r.resourceNames ?? [""]) {
      const one: K.Rule = { apiGroups: [g], resources: [res], verbs: [v], ...(n === "" ? {} : { resourceNames: [n] }) };
      if (requests.some((a) => ruleAllows(one, a))) used.add(`${g}/${res} ${v}${n === "" ? "" : ` ${n}`}`);
    }
  }
  return [...used].sort();
}
