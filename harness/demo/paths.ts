// Where the built artefacts are, found from this file whether it runs from source or from dist/.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HarnessError } from "../../common/errors.js";

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

export interface Artefacts {
  daemonJs: string;
  pluginBinary: string;
}

/** The built daemon and plugin; a clear error naming `npm run build` when missing. */
export function artefacts(root = packageRoot()): Artefacts {
  const daemonJs = join(root, "dist", "cmd", "mock-ipamd.js");
  const pluginBinary = join(root, "dist", "bin", "mock-vpc-cni");
  for (const f of [daemonJs, pluginBinary]) {
    if (!existsSync(f)) throw new HarnessError("not-found", `${f} is missing: run \`npm run build\` first`);
  }
  return { daemonJs, pluginBinary };
}
