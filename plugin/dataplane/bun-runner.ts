// The batch runner used inside the compiled binary: Bun.spawn, measured at about a third of the
// CPU of execa's import + spawn in a `bun build --compile` executable (scripts/measure-binary.mjs).
import { argvFor, parseBatchStderr, type BatchRunner, type ExecPaths } from "./batch.js";

/** The slice of Bun's API this runner uses (no bun types are installed). */
interface BunSubprocess {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  kill(signal?: number | string): void;
}
interface BunLike {
  spawn(cmd: string[], opts: { stdin: Uint8Array; stdout: "pipe"; stderr: "pipe"; env: Record<string, string | undefined> }): BunSubprocess;
}

/** Bun's global when running under Bun (the compiled plugin), else undefined (Node, vitest). */
export function bunRuntime(): BunLike | undefined {
  return (globalThis as { Bun?: BunLike }).Bun;
}

export function bunBatchRunner(bun: BunLike, paths: ExecPaths): BatchRunner {
  return async (lines, opts, signal) => {
    signal.throwIfAborted();
    const { file, args } = argvFor(paths, opts);
    const proc = bun.spawn([file, ...args], {
      stdin: new TextEncoder().encode(lines.join("\n") + "\n"),
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, LC_ALL: "C" },
    });
    const onAbort = (): void => proc.kill("SIGKILL");
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const [stdout, stderr, exitCode] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      signal.throwIfAborted();
      return { exitCode, stdout, failures: parseBatchStderr(stderr) };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };
}
