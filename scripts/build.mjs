// npm run build: TypeScript to dist/ (daemon, harness CLI), then the plugin as a self-contained
// executable dist/bin/mock-vpc-cni (see README, "The plugin binary"). Also npm's `prepare`, which
// npm runs on `npm install` and on every `npx vpc-cni-harness` / `npx mock-ipamd` inside a checkout
// that was not yet linked into npx's cache: when dist/ was built from exactly these sources (a
// hash of them in dist/.source-hash, scripts/source-hash.mjs) it does nothing, so npx neither rebuilds for seconds nor
// writes into a checkout its user may not be allowed to write. --force builds anyway.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { STAMP, sourceHash } from "./source-hash.mjs";

const require = createRequire(import.meta.url);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);
/** What a build produces: all must exist for dist/ to count as current. */
const OUTPUTS = ["dist/cmd/vpc-cni-harness.js", "dist/cmd/mock-ipamd.js", "dist/cmd/mock-ec2.js", "dist/bin/mock-vpc-cni"];

/**
 * `npx vpc-cni-harness` inside a checkout links the checkout into npx's cache and then makes the
 * package's command files executable (npm's bin-links chmods them), which only their owner can do.
 * A user who does not own the checkout gets an EPERM about "root-owned files" in their cache (or,
 * before this check, nothing at all). Say what happens and what works instead. npm also leaves that
 * npx cache entry half-made (no package.json), so the next npx would fail with a bare ENOENT: it is
 * removed (libnpmexec names it by sha512 of the package path, first 16 hex chars).
 */
function refuseNpxForNonOwner() {
  if (process.env.npm_command !== "exec" || process.getuid?.() === 0) return;
  const bin = "dist/cmd/vpc-cni-harness.js";
  if (!existsSync(bin) || statSync(bin).uid === process.getuid?.()) return;
  console.error(
    `vpc-cni-harness: npx cannot run the commands of ${ROOT} as uid ${process.getuid?.()}: npm makes the package's command files ` +
      `executable, and they belong to uid ${statSync(bin).uid}. Run them without npx, for example:\n` +
      `  npm run demo -- [options]                      (in ${ROOT})\n` +
      `  node ${join(ROOT, "dist/cmd/vpc-cni-harness.js")} demo [options]\n` +
      `  node ${join(ROOT, "dist/cmd/mock-ipamd.js")} [options]`,
  );
  const cache = process.env.npm_config_cache;
  if (cache !== undefined && cache !== "") rmSync(join(cache, "_npx", createHash("sha512").update(ROOT).digest("hex").slice(0, 16)), { recursive: true, force: true });
  process.exit(1);
}

refuseNpxForNonOwner();
const hash = sourceHash(ROOT);
const current = existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === hash && OUTPUTS.every((f) => existsSync(f));
if (current && !process.argv.includes("--force")) {
  console.error("build: dist/ is up to date with the sources (npm run build -- --force rebuilds)");
  process.exit(0);
}
try {
  accessSync(ROOT, constants.W_OK);
  if (existsSync("dist")) accessSync("dist", constants.W_OK);
} catch {
  const owner = statSync(ROOT).uid;
  console.error(`build: ${existsSync("dist") ? "dist/ is out of date with the sources" : "dist/ is missing"}, and ${ROOT} is not writable by uid ${process.getuid?.()} (it belongs to uid ${owner}): ask its owner to run \`npm run build\` there, or use a checkout of your own`);
  process.exit(1);
}
console.error("build: compiling TypeScript to dist/ and the plugin to dist/bin/mock-vpc-cni (about 10 s)");
rmSync(STAMP, { force: true });

// BUILD_ALLOW_TYPE_ERRORS=1 still emits JavaScript when some module does not type-check yet
// (development only; npm test type-checks everything strictly).
let typeErrors = false;
try {
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"]);
} catch (e) {
  if (process.env.BUILD_ALLOW_TYPE_ERRORS !== "1") throw e;
  typeErrors = true;
  console.error("build: type errors ignored (BUILD_ALLOW_TYPE_ERRORS=1)");
}

// The package's commands stay executable after a rebuild, as npm's bin-links left them at install:
// `npx mock-ipamd` runs the file itself, and a file tsc wrote anew has no execute bit.
for (const file of Object.values(JSON.parse(readFileSync("package.json", "utf8")).bin ?? {})) {
  try {
    if (existsSync(file)) chmodSync(file, 0o755);
  } catch {
    // Not ours (someone else's checkout): the npx hint above covers it.
  }
}

// The plugin: `bun build --compile --bytecode`, chosen by scripts/measure-binary.mjs (VERSION and
// ADD start-up against --compile without bytecode and a Node bundle, the start-up a Node SEA has).
// No .env / bunfig.toml autoloading: a CNI plugin runs in the runtime's working directory, whose
// files must not change its environment (and the lookups cost start-up time).
// ESM with --splitting puts every lazily imported part (verbs, http2 and grpc-js clients, iproute2,
// execa) in its own chunk inside the executable, so VERSION loads only the dispatcher: measured with
// hyperfine -N on the loaded 2-core machine, VERSION CPU (user+sys) about 34 ms instead of 42 to 46
// ms (an empty bun executable: 20 to 27 ms); ADD is no slower (it loads only its own chunks).
// As one CommonJS file, the whole 1.2 MB bundle and its bytecode were loaded at every start.
const PLUGIN_BUN_FLAGS = [
  "--compile",
  "--bytecode",
  "--minify",
  "--format=esm",
  "--splitting",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
];
const bun = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
mkdirSync("dist/bin", { recursive: true });
run(bun, ["build", "cmd/mock-vpc-cni.ts", ...PLUGIN_BUN_FLAGS, "--outfile", "dist/bin/mock-vpc-cni"]);
// Only a build that type-checked is the build of these sources.
if (!typeErrors) writeFileSync(STAMP, `${hash}\n`);
