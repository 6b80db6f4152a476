// npm run build: TypeScript to dist/ (daemon, harness CLI), then the plugin as a self-contained
// executable dist/bin/mock-vpc-cni (see README, "The plugin binary").
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });

run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"]);

const bun = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
mkdirSync("dist/bin", { recursive: true });
run(bun, ["build", "cmd/mock-vpc-cni.ts", "--compile", "--bytecode", "--minify", "--outfile", "dist/bin/mock-vpc-cni"]);
