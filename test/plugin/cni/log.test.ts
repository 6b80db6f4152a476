// The plugin's JSON-lines logger: level filtering (aws-cni's levels, "fatal" included) and fields.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../plugin/cni/log.js";
import type { LogLevel } from "../../../plugin/cni/netconf.js";

function lines(level: LogLevel): Record<string, unknown>[] {
  const out: string[] = [];
  const log = createLogger(level, (l) => void out.push(l), {}, () => 0).with({ verb: "ADD" });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e", { code: 11 });
  return out.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("createLogger", () => {
  it("writes the levels at or above its own, one JSON line each, with the bound fields", () => {
    expect(lines("debug").map((l) => l.msg)).toEqual(["d", "i", "w", "e"]);
    expect(lines("warn").map((l) => l.msg)).toEqual(["w", "e"]);
    expect(lines("error")).toEqual([{ time: "1970-01-01T00:00:00.000Z", level: "error", msg: "e", verb: "ADD", code: 11 }]);
  });

  it('"fatal" writes nothing (the plugin never logs at fatal), as aws-cni at that level', () => {
    expect(lines("fatal")).toEqual([]);
  });
});
