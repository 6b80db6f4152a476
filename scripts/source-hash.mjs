// One hash over everything `npm run build` reads: written to dist/.source-hash by the build, and
// compared before the integration tests run (test/setup/dist-fresh.ts), so no test ever exercises a
// stale dist/ (a binary built from other sources than the ones under test).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const SOURCE_DIRS = ["cmd", "common", "plugin", "ipamd", "controller", "cluster", "runtime", "harness", "cri", "proto", "apiserver", "scheduler", "ec2"];
export const SOURCE_FILES = ["package.json", "package-lock.json", "tsconfig.json", "scripts/build.mjs"];
export const STAMP = join("dist", ".source-hash");

function walk(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** sha256 over (path, content) of every build input under root. */
export function sourceHash(root) {
  const files = [];
  for (const d of SOURCE_DIRS) walk(join(root, d), files);
  for (const f of SOURCE_FILES) files.push(join(root, f));
  const h = createHash("sha256");
  for (const f of files) {
    let content;
    try {
      content = readFileSync(f);
    } catch {
      continue;
    }
    h.update(relative(root, f)).update("\0").update(content).update("\0");
  }
  return h.digest("hex");
}
