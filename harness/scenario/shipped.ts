// The scenarios shipped in the package's scenarios/ folder: find the folder from this file
// (source or dist/), list them with their descriptions, resolve a bare name to its file.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { parseScenario } from "./parse.js";

export function shippedDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "scenarios");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export interface ShippedScenario {
  name: string;
  file: string;
  description: string;
  modes: readonly string[];
  pods: number;
  /** Set when the file does not parse (a shipped file must; the tests check). */
  error?: string;
}

export function listShipped(dir = shippedDir()): ShippedScenario[] {
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      try {
        const s = parseScenario(readFileSync(file, "utf8"), file);
        return { name: s.name, file, description: s.description, modes: s.modes ?? ["simulated"], pods: s.pods.reduce((n, p) => n + p.count, 0) };
      } catch (e) {
        return { name: f.replace(/\.(ya?ml|json)$/, ""), file, description: "", modes: [], pods: 0, error: errorMessage(e) };
      }
    });
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Shipped names close to a mistyped one (within 2 edits, or starting with it), closest first. */
export function suggestions(arg: string, names: readonly string[]): string[] {
  const scored = names.map((n) => ({ n, d: editDistance(arg, n) })).filter((x) => x.d <= 2 || (arg.length >= 3 && x.n.startsWith(arg)));
  return scored.sort((a, b) => a.d - b.d || a.n.localeCompare(b.n)).map((x) => x.n);
}

/**
 * A path as given, or the shipped scenario of that name ("basic" -> scenarios/basic.yaml). A bare
 * name that is neither is an error naming the closest shipped scenarios.
 */
export function resolveScenarioFile(arg: string, shipped: () => ShippedScenario[] = listShipped): string {
  if (existsSync(arg) || arg.includes("/")) return arg;
  const list = shipped();
  const found = list.find((s) => s.name === arg || s.file.endsWith(`/${arg}`));
  if (found !== undefined) return found.file;
  if (/\.(ya?ml|json)$/.test(arg)) return arg;
  const near = suggestions(arg, list.map((s) => s.name));
  const hint = near.length === 0 ? "" : `; did you mean ${near.slice(0, 3).map((n) => `"${n}"`).join(" or ")}?`;
  throw new HarnessError("not-found", `no scenario file or shipped scenario named "${arg}"${hint} (\`vpc-cni-harness scenario list\` shows the shipped ones)`);
}
