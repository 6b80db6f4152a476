// A background pass run on a clock, one after the other: the next pass is timed from the end of the
// previous one, so a slow pass (a CRI list, an RPC) never overlaps the next, as kubelet's
// wait.Until-style loops behave.
import type { Clock } from "./clock.js";

/**
 * Runs `pass` after `firstMs`, then `periodMs` after each pass settles, until stopped. `pass` reports
 * its own failures; a rejection is ignored and the loop goes on.
 */
export function runPeriodically(clock: Clock, firstMs: number, periodMs: number, pass: () => Promise<unknown>): { stop(): void } {
  let stopped = false;
  let timer = clock.setTimer(firstMs, run);
  const next = (): void => {
    if (!stopped) timer = clock.setTimer(periodMs, run);
  };
  function run(): void {
    pass().then(next, next);
  }
  return {
    stop() {
      stopped = true;
      timer.cancel();
    },
  };
}
