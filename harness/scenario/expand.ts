// Expands a parsed scenario's bulk entries ("count" with a "{i}" name pattern) into the concrete
// nodes and pods with their times, sorted, so the runners only see plain lists.

import type { Scenario } from "./schema.js";

export interface NodePlan {
  name: string;
  instanceType: string;
  at: number;
  labels: Record<string, string>;
}

export interface PodPlan {
  at: number;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  node: string | undefined;
  deleteAt: number | undefined;
}

/** "web" x3 -> web-1..web-3; "web-{i}" x3 -> the same; count 1 keeps the name as written. */
export function patternNames(name: string, count: number): string[] {
  if (count === 1 && !name.includes("{i}")) return [name];
  const pattern = name.includes("{i}") ? name : `${name}-{i}`;
  return Array.from({ length: count }, (_, i) => pattern.replaceAll("{i}", String(i + 1)));
}

export function expandNodes(s: Scenario): NodePlan[] {
  return s.nodes.flatMap((n) =>
    patternNames(n.name, n.count).map((name) => ({ name, instanceType: n.instanceType, at: n.at, labels: { ...n.labels } })),
  );
}

export function expandPods(s: Scenario): PodPlan[] {
  const pods = s.pods.flatMap((p) =>
    patternNames(p.name, p.count).map((name, i) => {
      const at = p.at + i * p.interval;
      return {
        at,
        namespace: p.namespace,
        name,
        labels: { ...p.labels },
        serviceAccount: p.serviceAccount,
        node: p.node,
        deleteAt: p.deleteAfter === undefined ? undefined : at + p.deleteAfter,
      };
    }),
  );
  return pods.sort((a, b) => a.at - b.at);
}
