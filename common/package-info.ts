// Where this package is (found from this file, whether it runs from source or from dist/) and its
// version, for --version and for locating built artefacts and shipped files.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HarnessError } from "./errors.js";

/** The package root: the first parent holding the vpc-cni-harness package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "vpc-cni-harness") return dir;
    dir = dirname(dir);
  }
  throw new HarnessError("not-found", `package root of vpc-cni-harness not found above ${fileURLToPath(import.meta.url)}`);
}

/** package.json's version, or "unknown" when it cannot be read. */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
