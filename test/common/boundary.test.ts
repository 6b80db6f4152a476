// The shared boundary rules (common/boundary): the one place that says what a container id, an
// interface name, a netns path, a pod name, an IPv4 address, a MAC, a VLAN id, a table id and a
// listen/dial address may be, for the plugin and the daemon alike (issue #10).
import { describe, expect, it } from "vitest";
import {
  clip,
  containerIdProblem,
  formatEndpoint,
  ifNameProblem,
  ipCidrProblem,
  isIpv6,
  isLoopback,
  MAX_ERROR_TEXT,
  netnsPathProblem,
  networkNameProblem,
  parseEndpoint,
  parseListenAddress,
  parseIpv4,
  parseIpv4Prefix,
  parseMac,
  parseTableId,
  parseVlanId,
  podNameProblem,
  podNamespaceProblem,
  podUidProblem,
  quote,
  tokenProblem,
} from "../../common/boundary/index.js";

describe("names", () => {
  it.each(["a", "0abc", "abc_1.2-3", "f".repeat(64), "f".repeat(1024)])("accepts container id %s", (id) => expect(containerIdProblem(id)).toBeUndefined());
  it.each(["-a", ".a", "a b", "a/b", "ä", "a\nb", "f".repeat(1025)])("rejects container id %j", (id) => expect(containerIdProblem(id)).toBeDefined());
  it("network names follow the container id pattern", () => {
    expect(networkNameProblem("aws-cni")).toBeUndefined();
    expect(networkNameProblem("aws cni")).toMatch(/network name/);
  });

  it.each(["eth0", "e".repeat(15), "net1.100", "vlan.eth.4094", "é".repeat(7)])("accepts ifname %s", (n) => expect(ifNameProblem(n)).toBeUndefined());
  it.each([
    ["too long", "e".repeat(16)],
    ["too many bytes (IFNAMSIZ counts bytes)", "é".repeat(8)],
    ["empty", ""],
    [".", "."],
    ["..", ".."],
    ["a slash", "a/b"],
    ["a colon", "a:b"],
    ["a space", "a b"],
    ["a tab", "a\tb"],
    ["a newline", "eth0\nlink"],
    ["quotes (iproute2 strips them)", "'rq'"],
    ["a trailing backslash (iproute2 joins the next line)", "eth0\\"],
    ["a # (iproute2 drops the rest of the line)", "e#th0"],
    ["a control character", "eth\u0001"],
  ])("rejects an ifname with %s", (_n, name) => expect(ifNameProblem(name)).toBeDefined());

  it("netns paths are absolute and one safe word", () => {
    expect(netnsPathProblem("/var/run/netns/cni-1234")).toBeUndefined();
    expect(netnsPathProblem("/proc/42/ns/net")).toBeUndefined();
    expect(netnsPathProblem("run/netns/x")).toMatch(/not absolute/);
    expect(netnsPathProblem("/run/netns/x\nlink add evil type veth")).toMatch(/whitespace/);
    expect(netnsPathProblem("/run/netns/a b")).toBeDefined();
    expect(netnsPathProblem(`/${"a".repeat(4095)}`)).toMatch(/longer/);
  });

  it("pod names are DNS-1123 subdomains, namespaces labels, uids label-shaped; empty means not given", () => {
    expect(podNameProblem("web-1.a")).toBeUndefined();
    expect(podNameProblem("")).toBeUndefined();
    expect(podNameProblem("Web")).toMatch(/DNS-1123 subdomain/);
    expect(podNameProblem("a".repeat(254))).toMatch(/at most 253/);
    expect(podNamespaceProblem("kube-system")).toBeUndefined();
    expect(podNamespaceProblem("a.b")).toMatch(/DNS-1123 label/);
    expect(podNamespaceProblem("a".repeat(64))).toMatch(/at most 63/);
    expect(podUidProblem("356cb17a-5c29-4197-8d29-819b4032788e")).toBeUndefined();
    expect(podUidProblem("uid 1")).toBeDefined();
  });

  it("a word of an ip -batch line holds none of whitespace, #, \\, quotes, control characters", () => {
    for (const ok of ["10.0.0.1/32", "eni0123456789a", "/run/netns/x", "02:aa:bb:cc:dd:ee", "vlan.eth.3"]) expect(tokenProblem(ok)).toBeUndefined();
    for (const bad of ["", "a b", "a#", "a\\", "'a'", '"a"', "a\nb", "a\u0000", "a\u00a0b"]) expect(tokenProblem(bad)).toBeDefined();
  });
});

describe("network values", () => {
  it("IPv4 addresses are canonical dotted quads", () => {
    expect(parseIpv4("10.0.0.1")).toEqual({ ok: true, value: "10.0.0.1" });
    for (const bad of ["10.0.0.256", "010.0.0.1", "10.0.0", "10.0.0.1 ", "10.0.0.1\n", "1.2.3.4/32", "::1", 7]) {
      expect(parseIpv4(bad).ok, String(bad)).toBe(false);
    }
  });

  it("IPv4 prefixes and CIDR addresses (v4 or v6)", () => {
    expect(parseIpv4Prefix("10.1.2.3/32")).toEqual({ ok: true, value: { address: "10.1.2.3", length: 32 } });
    expect(parseIpv4Prefix("10.1.2.3/33").ok).toBe(false);
    expect(parseIpv4Prefix("10.9.9.9\nlink add evil0 type veth peer name evil1\n#/32").ok).toBe(false);
    expect(ipCidrProblem("fd00::5/128")).toBeUndefined();
    expect(ipCidrProblem("198.18.77.1 lookup 777 prio 7777 #/32")).toBeDefined();
  });

  it("MACs are lower-cased; VLAN ids 1..4094; table ids 1..2^32-1", () => {
    expect(parseMac("06:74:5B:7B:54:3A")).toEqual({ ok: true, value: "06:74:5b:7b:54:3a" });
    expect(parseMac("06:74:5b:7b:54").ok).toBe(false);
    expect(parseMac("0a:58:0a:d4:08:05 type veth").ok).toBe(false);
    expect([0, 1, 4094, 4095, 1.5, -1].map((v) => parseVlanId(v).ok)).toEqual([false, true, true, false, false, false]);
    expect([0, 1, 254, 2 ** 32 - 1, 2 ** 32].map((v) => parseTableId(v).ok)).toEqual([false, true, true, true, false]);
  });
});

describe("one parser of listen and dial addresses", () => {
  const dial = (t: string) => parseEndpoint(t, { what: "addr" });
  const listen = (t: string) => parseEndpoint(t, { what: "--listen", anyPort: true });

  it.each([
    ["unix:///run/mock-ipamd/ipamd.sock", { kind: "unix", path: "/run/mock-ipamd/ipamd.sock" }],
    ["127.0.0.1:50051", { kind: "tcp", host: "127.0.0.1", port: 50051 }],
    ["localhost:1", { kind: "tcp", host: "localhost", port: 1 }],
    ["[::1]:50051", { kind: "tcp", host: "::1", port: 50051 }],
    ["ipamd.kube-system.svc:50051", { kind: "tcp", host: "ipamd.kube-system.svc", port: 50051 }],
  ])("accepts %s", (text, want) => {
    const p = dial(text);
    expect(p).toEqual({ ok: true, value: want });
    if (p.ok) expect(formatEndpoint(p.value)).toBe(text);
  });

  it.each([
    "unix://relative.sock", "unix:/x.sock", "/tmp/x.sock", "host", "host:", ":50051", "1.2.3:5", "999.0.0.1:1", "::1:50051",
    "a b:1", "127.0.0.1:65536", "127.0.0.1:0", "[::1:1", `unix:///${"a".repeat(120)}`, "unix:///a\nb",
  ])("rejects %j", (text) => expect(dial(text).ok).toBe(false));

  it("port 0 (any free port) only for listeners", () => {
    expect(listen("127.0.0.1:0").ok).toBe(true);
    expect(dial("127.0.0.1:0").ok).toBe(false);
  });

  it("TCP-only settings refuse Unix sockets", () => {
    expect(parseEndpoint("unix:///x.sock", { what: "--metrics", unix: false })).toMatchObject({ ok: false, problem: expect.stringMatching(/--metrics/) });
  });

  it("loopback: Unix sockets, 127/8, ::1, localhost; anything else is remote", () => {
    const lb = (t: string) => {
      const p = listen(t);
      return p.ok && isLoopback(p.value);
    };
    expect(["unix:///x.sock", "127.0.0.1:1", "127.3.4.5:1", "[::1]:1", "localhost:1"].map(lb)).toEqual([true, true, true, true, true]);
    expect(["0.0.0.0:1", "10.0.0.1:1", "[::]:1", "myhost:1"].map(lb)).toEqual([false, false, false, false]);
  });
  it("where a daemon serves: an IP or localhost with a port, loopback unless the user allowed more", () => {
    const rules = { what: "--listen", allowRemote: false, remoteFlag: "--allow-remote", remoteRisk: "it trusts anyone" };
    const at = (t: string, allowRemote = false) => parseListenAddress(t, { ...rules, allowRemote });
    expect(["127.0.0.1:0", "[::1]:6443", "localhost:80"].map((t) => at(t))).toEqual([
      { ok: true, value: { host: "127.0.0.1", port: 0 } }, { ok: true, value: { host: "::1", port: 6443 } }, { ok: true, value: { host: "localhost", port: 80 } },
    ]);
    expect(at("0.0.0.0:6443", true)).toEqual({ ok: true, value: { host: "0.0.0.0", port: 6443 } });
    expect(at("0.0.0.0:6443")).toEqual({ ok: false, problem: "--listen 0.0.0.0:6443: not a loopback address (127.x, ::1, localhost); it trusts anyone, so listening beyond this machine needs --allow-remote" });
    expect(at("example.com:6443", true)).toEqual({ ok: false, problem: "--listen example.com:6443: example.com is not an IP address (or localhost)" });
    expect(at("127.0.0.1:70000")).toMatchObject({ ok: false, problem: expect.stringContaining("port 70000 is out of range") });
    for (const t of ["6443", "unix:///x.sock", "127.0.0.1", ""]) expect(at(t), t).toMatchObject({ ok: false, problem: expect.stringContaining("expected HOST:PORT") });
  });
});

describe("error texts", () => {
  it("are clipped, and quoted values show their newlines escaped", () => {
    expect(clip("x".repeat(MAX_ERROR_TEXT + 10))).toHaveLength(MAX_ERROR_TEXT + "… (10 more characters)".length);
    expect(quote("a\nb")).toBe('"a\\nb"');
    expect(quote("y".repeat(200))).toHaveLength(83);
  });
});

describe("isIpv6, the plugin's own (node:net is too costly to load per exec)", () => {
  it.each(["::", "::1", "fd00::5", "2001:db8::1:0:0:1", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "1::", "fe80::1:2:3:4:5:6", "1:2:3:4:5:6:1.2.3.4"])("accepts %s", (a) => expect(isIpv6(a)).toBe(true));
  it.each(["", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3", "1.2.3.4", "::ffff:256.1.1.1", " ::1", "1:2:3:4:5:6:7:8::"])("rejects %j", (a) => expect(isIpv6(a)).toBe(false));

  it("agrees with node:net on generated text", async () => {
    const { isIPv6 } = await import("node:net");
    const fc = (await import("fast-check")).default;
    const unit = fc.constantFrom(..."0123456789abcdefABCDEF:.g ".split(""));
    const text = fc.oneof(fc.ipV6(), fc.ipV6().map((a) => a.toUpperCase()), fc.string({ unit, maxLength: 40 }));
    fc.assert(fc.property(text, (t) => isIpv6(t) === isIPv6(t)), { seed: 6, numRuns: 20_000 });
  });
});
