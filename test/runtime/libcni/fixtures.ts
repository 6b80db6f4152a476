// Writes the fixture plugin under several type names into a temp bin dir (shebang = this node).

import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function makeBinDir(types: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "libcni-bin-"));
  const body = await readFile(new URL("./fixtures/plugin.mjs", import.meta.url), "utf8");
  for (const t of types) {
    const file = join(dir, t);
    await writeFile(file, `#!${process.execPath}\n${body}`);
    await chmod(file, 0o755);
  }
  return dir;
}

export interface Recorded {
  type: string;
  label: string;
  pid: number;
  env: Record<string, string>;
  conf: Record<string, unknown>;
}

export async function readRecords(file: string): Promise<Recorded[]> {
  try {
    return (await readFile(file, "utf8")).trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Recorded);
  } catch {
    return [];
  }
}
