// The benchmarks' command-line options: `--name value`, anywhere after the script (npm run bench
// passes `--json FILE` to each, scripts/bench.mjs).
const argv = process.argv.slice(2);

/** The value after `name`, or `dflt` when the flag is absent (or last, with no value after it). */
export function option(name, dflt) {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : (argv[i + 1] ?? dflt);
}
