// The scenarios shipped in the package's scenarios/ folder: find the folder from this file
// (source or dist/), list them with their descriptions, resolve a bare name to its file.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { errorMessage } from "../../common/errors.js";
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
        return { name: s.name, file, description: s.description, modes: s.modes, pods: s.pods.reduce((n, p) => n + p.count, 0) };
      } catch (e) {
        return { name: f.replace(/\.(ya?ml|json)$/, ""), file, description: "", modes: [], pods: 0, error: errorMessage(e) };
      }
    });
}

/** A path as given, or the shipped scenario of that name ("basic" -> scenarios/basic.yaml). */
export function resolveScenarioFile(arg: string): string {
  if (existsSync(arg) || arg.includes("/")) return arg;
  const found = listShipped().find((s) => s.name === arg || s.file.endsWith(`/${arg}`));
  return found?.file ?? arg;
}
