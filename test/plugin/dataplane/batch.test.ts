// iproute2 batch plumbing: stderr attribution to batch lines and the argv (never a shell string).
import { describe, expect, it } from "vitest";
import { argvFor, parseBatchStderr } from "../../../plugin/dataplane/batch.js";

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
