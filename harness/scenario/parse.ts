// Reads a scenario file (YAML or JSON) and reports every problem in one pass, each with its line and
// column and its path ("scale.yaml:14:9: pods[2].at: ..."): syntax errors, then the schema, then
// the checks across sections (pinned pods on declared nodes, unique names, times within the run's
// limit, expectation windows that can hold), which run on every section that parsed.

import { readFile } from "node:fs/promises";
import { LineCounter, isNode, parseDocument } from "yaml";
import type { Document } from "yaml";
import { z } from "zod";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { formatDuration } from "../../common/duration.js";
import { expandNodes, expandPods } from "./expand.js";
import { duration, expectSchema, faultSchema, nodeSchema, podSchema, scenarioSchema } from "./schema.js";
import type { Scenario } from "./schema.js";

/** "pods[2].labels.app" from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(top level)" : out;
}

interface Problem {
  path: readonly PropertyKey[];
  message: string;
}

/** "line:col" of the deepest node of `path` that exists in the document ("" when none). */
function position(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range !== undefined && node.range !== null) {
      const { line, col } = lines.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return "";
}

const sections = {
  nodes: z.array(nodeSchema),
  pods: z.array(podSchema),
  faults: z.array(faultSchema),
  limit: duration.default(600_000),
  expect: expectSchema.default({ events: {}, pods: [] }),
};

/** Every section that parses on its own, so cross-section checks run despite problems elsewhere. */
function parsedSections(raw: unknown): Partial<Pick<Scenario, "nodes" | "pods" | "faults" | "limit" | "expect">> {
  const obj = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(sections)) {
    const r = (schema as z.ZodType).safeParse(obj[key]);
    if (r.success) out[key] = r.data;
  }
  return out;
}

function crossCheck(s: ReturnType<typeof parsedSections>): Problem[] {
  const problems: Problem[] = [];
  const limit = s.limit ?? 600_000;
  const within = (path: PropertyKey[], at: number, what: string): void => {
    if (at > limit) problems.push({ path, message: `${what} at +${formatDuration(at)} is after the run's limit (${formatDuration(limit)}); raise limit or move it earlier` });
  };
  if (s.nodes !== undefined) {
    const nodes = expandNodes({ nodes: s.nodes } as Scenario);
    const names = new Set(nodes.map((n) => n.name));
    if (names.size !== nodes.length) problems.push({ path: ["nodes"], message: "node names are not unique after expanding counts (use a {i} pattern, e.g. node-{i})" });
    s.nodes.forEach((n, i) => within(["nodes", i, "at"], n.at, "the node joins"));
    s.pods?.forEach((p, i) => {
      if (p.node !== undefined && !names.has(p.node)) problems.push({ path: ["pods", i, "node"], message: `no node named "${p.node}"; nodes: ${[...names].slice(0, 5).join(", ")}${names.size > 5 ? ", ..." : ""}` });
    });
  }
  if (s.pods !== undefined) {
    const pods = expandPods({ pods: s.pods } as Scenario);
    if (new Set(pods.map((p) => `${p.namespace}/${p.name}`)).size !== pods.length) problems.push({ path: ["pods"], message: "pod names are not unique per namespace after expanding counts (use a {i} pattern, e.g. web-{i})" });
    s.pods.forEach((p, i) => within(["pods", i, "at"], p.at, "the pod is created"));
  }
  s.faults?.forEach((f, i) => within(["faults", i, "at"], f.at, "the fault starts"));
  const e = s.expect;
  if (e?.lastRunningAfter !== undefined && e.lastRunningBefore !== undefined && e.lastRunningAfter >= e.lastRunningBefore) {
    problems.push({ path: ["expect", "lastRunningAfter"], message: `lastRunningAfter (${formatDuration(e.lastRunningAfter)}) must be before lastRunningBefore (${formatDuration(e.lastRunningBefore)}): no run can meet both` });
  }
  for (const key of ["allRunningBy", "lastRunningBefore"] as const) {
    const v = e?.[key];
    if (v !== undefined && v > limit) problems.push({ path: ["expect", key], message: `+${formatDuration(v)} is after the run's limit (${formatDuration(limit)}); the run stops before it` });
  }
  return problems;
}

function fail(source: string, lines: readonly string[]): never {
  throw new HarnessError("invalid-config", `${source}: ${lines.length} problem${lines.length === 1 ? "" : "s"}:\n  ${lines.join("\n  ")}`, { details: lines.join("\n") });
}

/** Parses scenario text; `source` names the file in messages. */
export function parseScenario(text: string, source: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    fail(source, doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const what = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
      return `${at === undefined ? "" : `line ${at.line}, column ${at.col}: `}${what} (not valid YAML or JSON)`;
    }));
  }
  const raw: unknown = doc.toJS();
  const result = scenarioSchema.safeParse(raw);
  // An unknown key is pointed at where it is written, not at its object.
  const issues = result.success ? [] : result.error.issues.map((i) => ({ path: i.path, at: i.code === "unrecognized_keys" ? [...i.path, i.keys[0] ?? ""] : i.path, message: i.message }));
  const problems: (Problem & { at?: readonly PropertyKey[] })[] = [...issues, ...crossCheck(parsedSections(raw))];
  if (problems.length > 0 || !result.success) {
    fail(source, problems.map((p) => {
      const at = position(doc, lineCounter, p.at ?? p.path);
      return `${at === "" ? "" : `line ${at.replace(":", ", column ")}: `}${formatPath(p.path)}: ${p.message}`;
    }));
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
