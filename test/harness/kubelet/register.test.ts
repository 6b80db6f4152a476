// The kubelet's registration retries as kubelet's registerWithAPIServer does: 100 ms doubling up to
// 7 s, until the API server takes the Node (an EHOSTUNREACH at start is no reason to exit).

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { registerWithApiServer } from "../../../harness/kubelet/run.js";

describe("kubelet registration", () => {
  it("retries with a doubling back-off capped at 7 s, logs each failure, returns once registered", async () => {
    const clock = new FakeClock(0);
    const attempts: number[] = [];
    const logged: string[] = [];
    const done = registerWithApiServer(async () => {
      attempts.push(clock.now());
      if (attempts.length < 9) throw new Error("connect EHOSTUNREACH 10.0.0.1:6443");
    }, clock, (_l, msg, f) => void logged.push(`${msg}: ${String(f?.["err"])}`));
    let finished = false;
    void done.then(() => void (finished = true));
    await clock.advance(60_000);
    expect(finished).toBe(true);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] ?? 0));
    expect(gaps).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 7_000]);
    expect(logged).toHaveLength(8);
    expect(logged[0]).toBe("Unable to register node with API server: connect EHOSTUNREACH 10.0.0.1:6443");
  });
});
