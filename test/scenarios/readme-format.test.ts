// scenarios/README.md's format example is a valid scenario (the docs cannot drift from the parser).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../harness/scenario/parse.js";
import { effectiveExpect } from "../../harness/scenario/schema.js";
import { REPO_ROOT } from "../helpers/daemon.js";

describe("scenarios/README.md", () => {
  it("its format example parses, every key in it", () => {
    const text = readFileSync(join(REPO_ROOT, "scenarios", "README.md"), "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
    expect(yaml).toContain("expectIf:");
    const s = parseScenario(yaml, "scenarios/README.md");
    expect(s.name).toBe("my-scenario");
    expect(s.faults).toHaveLength(6);
    expect(effectiveExpect({ ...s, ipamd: { waitForBranchEni: 0 } }).applied).toEqual([0]);
  });
});
