// Ctrl-C for long runs (demo, scenario run): the first SIGINT/SIGTERM stops the run and cleans up
// gracefully, the second makes the cleanup skip its graceful part, and later ones only say what is
// going on. The process never exits half-way through a cleanup: the host is left as it was, or
// the run prints the commands that finish the job (harness/demo/session.ts).

export interface Interrupts {
  /** Aborted by the first signal. */
  stop: AbortSignal;
  /** Aborted by the second. */
  hurry: AbortSignal;
  /** The run's id, once known, for the messages. */
  setRun(id: string): void;
  dispose(): void;
}

export function handleInterrupts(name: string, err: { write(text: string): unknown } = process.stderr): Interrupts {
  const stop = new AbortController();
  const hurry = new AbortController();
  let run = "";
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    count++;
    if (count === 1) {
      stop.abort(new Error(`interrupted (${signal})`));
      err.write(`${name}: ${signal}: stopping and cleaning up (press Ctrl-C again to clean up without waiting for the pods' graceful teardown)\n`);
    } else if (count === 2) {
      hurry.abort(new Error(`interrupted again (${signal})`));
      err.write(`${name}: ${signal} again: removing what the run made without waiting (a few seconds)\n`);
    } else {
      err.write(`${name}: still cleaning up; it ends by itself shortly.${run === "" ? "" : ` If you kill it (kill -9 ${process.pid}), finish with: vpc-cni-harness cleanup ${run}`}\n`);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stop: stop.signal,
    hurry: hurry.signal,
    setRun: (id) => void (run = id),
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
