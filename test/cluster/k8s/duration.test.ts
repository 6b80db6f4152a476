import { describe, expect, it } from "vitest";
import { humanDuration } from "../../../cluster/k8s/index.js";

// Each branch of apimachinery's HumanDuration (pkg/util/duration/duration.go) at and around its edges.
describe("humanDuration, as kubectl prints ages", () => {
  it.each([
    [0, "0s"], [500, "0s"], [1_999, "1s"], [59_000, "59s"], [119_000, "119s"], [120_000, "2m"], [125_000, "2m5s"],
    [600_000, "10m"], [179 * 60_000, "179m"], [3 * 3_600_000, "3h"], [3 * 3_600_000 + 60_000, "3h1m"], [8 * 3_600_000, "8h"],
    [47 * 3_600_000, "47h"], [48 * 3_600_000, "2d"], [50 * 3_600_000, "2d2h"], [8 * 86_400_000, "8d"], [729 * 86_400_000, "729d"],
    [730 * 86_400_000, "2y"], [731 * 86_400_000, "2y1d"], [8 * 365 * 86_400_000, "8y"], [9 * 365 * 86_400_000 + 86_400_000, "9y"],
  ])("%d ms is %s", (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
  it("allows up to 2 s of clock skew (Go's int() truncates toward zero), then says <invalid>", () => {
    expect([-1_000, -1_999, -2_000, -5_000].map(humanDuration)).toEqual(["0s", "0s", "<invalid>", "<invalid>"]);
  });
});
