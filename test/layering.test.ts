// The seams between actors hold in the code (issue deliverable 5): controller/ imports nothing from
// ipamd/, ipamd/ nothing from plugin/, the plugin only its own code and the shared folders, and
// harness/ reaches each actor only through its public entry point (index.ts).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...sources(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Every relative import of the file, as a path from the repository root (e.g. "ipamd/index.js"). */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    found.push(relative(ROOT, resolve(join(ROOT, dirname(file)), m[1] as string)));
  }
  return found;
}

function offenders(dir: string, bad: (target: string) => boolean): string[] {
  return sources(dir).flatMap((f) => imports(f).filter(bad).map((t) => `${f} -> ${t}`));
}

describe("layering", () => {
  it("controller/ imports nothing from ipamd/, plugin/, runtime/ or harness/", () => {
    expect(offenders("controller", (t) => /^(ipamd|plugin|runtime|harness)\//.test(t))).toEqual([]);
  });

  it("ipamd/ imports nothing from plugin/, runtime/ or harness/", () => {
    expect(offenders("ipamd", (t) => /^(plugin|runtime|harness)\//.test(t))).toEqual([]);
  });

  it("the plugin (a self-contained binary) imports only plugin/, common/ and proto/", () => {
    expect(offenders("plugin", (t) => !/^(plugin|common|proto)\//.test(t))).toEqual([]);
  });

  it("harness/ uses each actor only through its public entry point", () => {
    const entry = new Set(["controller/index.js", "ipamd/index.js", "runtime/index.js", "cri/index.js"]);
    expect(offenders("harness", (t) => /^(controller|ipamd|runtime|cri|plugin)\//.test(t) && !entry.has(t))).toEqual([]);
  });

  it("the kubelet loop reaches the cluster through the seam only", () => {
    expect(offenders("runtime", (t) => /^(controller|ipamd|plugin|harness)\//.test(t) || /^cluster\/store\//.test(t))).toEqual([]);
  });
});
