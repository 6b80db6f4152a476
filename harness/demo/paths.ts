// Where the built artefacts are, found from this file whether it runs from source or from dist/.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { HarnessError } from "../../common/errors.js";
import { packageRoot } from "../../common/package-info.js";

export { packageRoot } from "../../common/package-info.js";

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
