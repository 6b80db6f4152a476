// Reads a scenario file (YAML or JSON): syntax, then the zod schema, then cross-references
// (known instance types, pinned pods on declared nodes, unique names). Every problem is reported
// with its path ("pods[2].at: ..."), all at once, in one HarnessError("invalid-config").

import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { instanceLimits } from "../../common/limits.js";
import { expandNodes, expandPods } from "./expand.js";
import { scenarioSchema } from "./schema.js";
import type { Scenario } from "./schema.js";

/** "pods[2].labels.app" from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(top level)" : out;
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

function crossCheck(s: Scenario): string[] {
  const problems: string[] = [];
  s.nodes.forEach((n, i) => {
    try {
      instanceLimits(n.instanceType);
    } catch (e) {
      problems.push(`nodes[${i}].instanceType: ${errorMessage(e)}`);
    }
  });
  const nodes = expandNodes(s);
  const nodeNames = new Set(nodes.map((n) => n.name));
  if (nodeNames.size !== nodes.length) problems.push("nodes: node names are not unique after expanding counts");
  s.pods.forEach((p, i) => {
    if (p.node !== undefined && !nodeNames.has(p.node)) problems.push(`pods[${i}].node: no node named "${p.node}" (nodes: ${[...nodeNames].slice(0, 5).join(", ")}${nodeNames.size > 5 ? ", ..." : ""})`);
  });
  const pods = expandPods(s);
  const podKeys = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
  if (podKeys.size !== pods.length) problems.push("pods: pod names are not unique per namespace after expanding counts");
  s.faults.forEach((f, i) => {
    if (f.at > s.limit) problems.push(`faults[${i}].at: after the run's limit (${s.limit} ms)`);
  });
  return problems;
}

/** Parses scenario text; `source` names the file in messages. */
export function parseScenario(text: string, source: string): Scenario {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new HarnessError("invalid-config", `${source}: not valid YAML/JSON`, { details: doc.errors.map((e) => e.message).join("\n") });
  }
  const result = scenarioSchema.safeParse(doc.toJS());
  const problems = result.success ? crossCheck(result.data) : zodProblems(result.error);
  if (!result.success || problems.length > 0) {
    throw new HarnessError("invalid-config", `${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n  ${problems.join("\n  ")}`, {
      details: problems.join("\n"),
    });
  }
  return result.data;
}

export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new HarnessError("not-found", `scenario ${path}: ${errorMessage(e)}`, { cause: e });
  }
  return parseScenario(text, path);
}
