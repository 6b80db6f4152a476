// The Bun.spawn runner with a hand-written stand-in for Bun's API: argv, stdin, failure parsing
// and abort (the compiled binary's real path is covered by test/plugin/netns.int.test.ts).
import { describe, expect, it } from "vitest";
import { bunBatchRunner, bunRuntime } from "../../../plugin/dataplane/bun-runner.js";

const stream = (text: string): ReadableStream<Uint8Array> =>
  new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(text)), c.close()) });

function fakeBun(reply: { stdout?: string; stderr?: string; code?: number; hang?: boolean }) {
  const calls: { cmd: string[]; stdin: string }[] = [];
  const killed: unknown[] = [];
  const bun = {
    spawn(cmd: string[], opts: { stdin: Uint8Array }) {
      calls.push({ cmd, stdin: new TextDecoder().decode(opts.stdin) });
      let exit: (code: number) => void = () => {};
      const exited = new Promise<number>((res) => (exit = res));
      if (reply.hang !== true) exit(reply.code ?? 0);
      return {
        stdout: stream(reply.stdout ?? ""),
        stderr: stream(reply.stderr ?? ""),
        exited,
        kill: (sig?: number | string) => (killed.push(sig), exit(137)),
      };
    },
  };
  return { bun, calls, killed };
}

const paths = { ipPath: "/usr/sbin/ip", nsenterPath: "/usr/bin/nsenter" };

describe("bunBatchRunner", () => {
  it("is not selected under Node", () => {
    expect(bunRuntime()).toBeUndefined();
  });

  it("passes argv as an array and the lines on stdin, and parses failures", async () => {
    const f = fakeBun({ code: 1, stderr: "RTNETLINK answers: File exists\nCommand failed -:1\n" });
    const r = await bunBatchRunner(f.bun, paths)(["link add x"], { netns: "/proc/1/ns/net" }, AbortSignal.timeout(5000));
    expect(f.calls).toEqual([{ cmd: ["/usr/bin/nsenter", "--net=/proc/1/ns/net", "--", "/usr/sbin/ip", "-batch", "-"], stdin: "link add x\n" }]);
    expect(r).toEqual({ exitCode: 1, stdout: "", failures: [{ line: 1, message: "RTNETLINK answers: File exists" }] });
  });

  it("kills the process and rejects when the deadline passes", async () => {
    const f = fakeBun({ hang: true });
    await expect(bunBatchRunner(f.bun, paths)(["link show"], {}, AbortSignal.timeout(50))).rejects.toBeDefined();
    expect(f.killed).toEqual(["SIGKILL"]);
  });
});
