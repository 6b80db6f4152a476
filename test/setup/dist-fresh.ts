// Integration tests exec dist/ (the daemon, the CLI, the plugin binary). They run only against a
// dist/ built from the sources under test: checked once, before any test file starts.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs module shared with scripts/build.mjs (no type declarations).
import { STAMP, sourceHash } from "../../scripts/source-hash.mjs";

export default function checkDistFresh(): void {
  const root = process.cwd();
  const stampPath = join(root, STAMP as string);
  if (!existsSync(stampPath)) {
    throw new Error(`dist/ has no build stamp (${stampPath}): run \`npm run build\` before the integration tests`);
  }
  const built = readFileSync(stampPath, "utf8").trim();
  const now = (sourceHash as (root: string) => string)(root);
  if (built !== now) {
    throw new Error("dist/ was built from other sources than the ones under test: run `npm run build` (npm test does it first)");
  }
}
