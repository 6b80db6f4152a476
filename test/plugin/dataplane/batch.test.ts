// iproute2 batch plumbing: stderr attribution to batch lines and the argv (never a shell string).
import { describe, expect, it } from "vitest";
import { argvFor, batchProblem, guardBatch, parseBatchStderr } from "../../../plugin/dataplane/batch.js";

describe("parseBatchStderr", () => {
  it("assigns each error to the line iproute2 names after it", () => {
    const stderr = 'Device "nope" does not exist.\nCommand failed -:1\nRTNETLINK answers: File exists\nCommand failed -:3\n';
    expect(parseBatchStderr(stderr)).toEqual([
      { line: 1, message: 'Device "nope" does not exist.' },
      { line: 3, message: "RTNETLINK answers: File exists" },
    ]);
  });

  it("reports errors printed before any line ran as line 0", () => {
    expect(parseBatchStderr("nsenter: cannot open /run/netns/x: No such file or directory\n")).toEqual([
      { line: 0, message: "nsenter: cannot open /run/netns/x: No such file or directory" },
    ]);
  });

  it("is empty for a clean run", () => {
    expect(parseBatchStderr("")).toEqual([]);
  });
});

describe("argvFor", () => {
  const paths = { ipPath: "/usr/sbin/ip", nsenterPath: "/usr/bin/nsenter" };

  it("runs ip directly on the host", () => {
    expect(argvFor(paths, { force: true })).toEqual({ file: "/usr/sbin/ip", args: ["-force", "-batch", "-"] });
  });

  it("enters a netns outside /run/netns with nsenter, the path as one argument", () => {
    expect(argvFor(paths, { netns: "/proc/42/ns/net", json: true })).toEqual({
      file: "/usr/bin/nsenter",
      args: ["--net=/proc/42/ns/net", "--", "/usr/sbin/ip", "-j", "-batch", "-"],
    });
    expect(argvFor(paths, { netns: "/run/netns/sub/x" }).file).toBe("/usr/bin/nsenter");
  });

  it("uses ip -n for netns files in /run/netns or /var/run/netns (one exec)", () => {
    expect(argvFor(paths, { netns: "/var/run/netns/cni-1234", force: true })).toEqual({
      file: "/usr/sbin/ip",
      args: ["-n", "cni-1234", "-force", "-batch", "-"],
    });
    expect(argvFor(paths, { netns: "/run/netns/a b" }).args.slice(0, 2)).toEqual(["-n", "a b"]);
  });
});

describe("guardBatch, the second wall", () => {
  const ok = async () => ({ exitCode: 0, stdout: "", failures: [] });
  const signal = new AbortController().signal;

  it("passes safe batches through", async () => {
    await expect(guardBatch(ok)(["link set eth0 up", "addr add 10.0.0.1/32 dev eth0"], {}, signal)).resolves.toMatchObject({ exitCode: 0 });
  });

  it.each([
    ["a newline inside a line", "addr add 10.0.0.1/32 dev lo\nnetns add x"],
    ["a #", "rule del from 198.18.77.1 lookup 777 #/32"],
    ["a quote", "link set 'rq' up"],
    ["a trailing backslash", "link set eth0\\ up"],
    ["an empty word (a missing value)", "link set  up"],
    ["a control character", "link set eth\u0007 up"],
  ])("refuses a batch with %s before running anything", async (_n, line) => {
    let ran = false;
    const run = guardBatch(async () => ((ran = true), { exitCode: 0, stdout: "", failures: [] }));
    await expect(run(["link set eth0 up", line], {}, signal)).rejects.toThrow(/refusing to run ip -batch: line 2/);
    expect(ran).toBe(false);
    expect(batchProblem([line])).toBeDefined();
  });

  it("refuses a netns path that is not one safe word", async () => {
    await expect(guardBatch(ok)(["link del eth0"], { netns: "/run/netns/x y" }, signal)).rejects.toThrow(/refusing/);
  });
});
