// Where mock-ipamd listens (issue #10, item 5): the control API on its own socket, and nothing that
// other hosts can reach without an explicit flag; plus --client-version (item 7).
import { describe, expect, it } from "vitest";
import { parseFlags, resolveConfig } from "../../../ipamd/config/index.js";

const cfg = (...argv: string[]) => resolveConfig(parseFlags(argv));

describe("sockets", () => {
  it("puts the control socket next to the CNI socket by default, or in the state dir for a TCP --listen", () => {
    expect(cfg()).toMatchObject({ listen: "unix:///run/mock-ipamd/ipamd.sock", control: "unix:///run/mock-ipamd/control.sock" });
    expect(cfg("--listen", "unix:///tmp/x/ipamd.sock")).toMatchObject({ control: "unix:///tmp/x/control.sock" });
    expect(cfg("--listen", "127.0.0.1:50051", "--state-dir", "/var/lib/m")).toMatchObject({ control: "unix:///var/lib/m/control.sock" });
    expect(cfg("--control", "127.0.0.1:50052")).toMatchObject({ control: "127.0.0.1:50052" });
  });

  it.each([
    [["--listen", "0.0.0.0:50051"], /--listen: 0\.0\.0\.0:50051 can be reached from other hosts; pass --allow-remote-listen/],
    [["--listen", "[::]:50051"], /--allow-remote-listen/],
    [["--listen", "ipamd.example:50051"], /--allow-remote-listen/],
    [["--control", "0.0.0.0:50052"], /--control: 0\.0\.0\.0:50052 can be reached from other hosts; pass --allow-remote-control/],
    [["--control", "unix:///run/mock-ipamd/ipamd.sock"], /needs its own socket/],
    [["--control", "50052"], /--control/],
  ])("refuses %j", (argv, why) => {
    expect(() => cfg(...argv)).toThrow(why);
  });

  it("serves a remote listener only when asked to", () => {
    expect(cfg("--listen", "0.0.0.0:50051", "--allow-remote-listen").listen).toBe("0.0.0.0:50051");
    expect(cfg("--control", "0.0.0.0:50052", "--allow-remote-control").control).toBe("0.0.0.0:50052");
  });

  it("checks the HTTP endpoints with the same parser", () => {
    expect(() => cfg("--metrics", "unix:///x.sock")).toThrow(/--metrics/);
    expect(cfg("--metrics", "0.0.0.0:61678").metrics).toBe("0.0.0.0:61678");
  });
});

describe("--client-version", () => {
  it('expects "" by default, as release builds of aws-cni send; another value on request', () => {
    expect(cfg().clientVersion).toBe("");
    expect(cfg("--client-version", "v1.20.5").clientVersion).toBe("v1.20.5");
  });
});
