// Netconf parsing: defaults, aws-cni's mtu fallback, our keys, prevResult lifting, attachments.
import { describe, expect, it } from "vitest";
import { MAX_TIMER_MS } from "../../../common/duration.js";
import { DEFAULT_IPAMD_ADDRESS, parseNetConf } from "../../../plugin/cni/netconf.js";

const base = { cniVersion: "1.1.0", name: "aws-cni", type: "mock-vpc-cni" };
const parse = (extra: Record<string, unknown>) => parseNetConf(JSON.stringify({ ...base, ...extra }));

describe("parseNetConf", () => {
  it("fills the real plugin's defaults and ours", () => {
    const c = parse({});
    expect(c).toMatchObject({
      vethPrefix: "eni",
      mtu: 9001,
      podSGEnforcingMode: "strict",
      pluginLogLevel: "info",
      ipamdAddress: DEFAULT_IPAMD_ADDRESS,
      ipamdTimeoutMs: 10_000,
      dataplane: "iproute2",
      ipamdTransport: "http2",
      dataplaneOps: "netlink",
      stateDir: "/var/lib/cni/mock-vpc-cni",
      ipamdClientVersion: "",
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.prevResult).toBeUndefined();
  });

  it.each([
    ["1500", 1500],
    ["576", 576],
    ["575", 9001],
    ["9002", 9001],
    ["jumbo", 9001],
    ["", 9001],
  ])("mtu %j -> %d (outside 576..9001 falls back to 9001)", (mtu, want) => {
    expect(parse({ mtu }).mtu).toBe(want);
  });

  it("selects the grpc-js transport on request (http2 is the default)", () => {
    expect(parse({ ipamdTransport: "grpc-js" }).ipamdTransport).toBe("grpc-js");
    expect(() => parse({ ipamdTransport: "quic" })).toThrow(/ipamdTransport/);
  });

  it("carries out dataplane operations through rtnetlink unless told `ip`", () => {
    expect(parse({ dataplaneOps: "ip" }).dataplaneOps).toBe("ip");
    expect(() => parse({ dataplaneOps: "ip; reboot" })).toThrow(/dataplaneOps/);
  });

  it("accepts both address forms and Go durations", () => {
    expect(parse({ ipamdAddress: "127.0.0.1:50051", ipamdTimeout: "1.5s" })).toMatchObject({ ipamdAddress: "127.0.0.1:50051", ipamdTimeoutMs: 1500 });
    expect(parse({ ipamdAddress: "unix:///tmp/x.sock" }).ipamdAddress).toBe("unix:///tmp/x.sock");
  });

  it("lower-cases runtimeConfig keys and case-folds enum values", () => {
    const c = parse({ runtimeConfig: { PortMappings: [] }, podSGEnforcingMode: "Standard", pluginLogLevel: "DEBUG" });
    expect(c.runtimeConfig).toEqual({ portmappings: [] });
    expect(c.podSGEnforcingMode).toBe("standard");
    expect(c.pluginLogLevel).toBe("debug");
  });

  it.each([
    ["Fatal", "fatal"],
    ["", "debug"],
    ["verbose", "debug"],
  ])("pluginLogLevel %j is %j and never fails the verb (aws-cni's getZapLevel)", (pluginLogLevel, want) => {
    expect(parse({ pluginLogLevel }).pluginLogLevel).toBe(want);
  });

  it("lifts a 0.4.0 prevResult to the newest type (no ips version)", () => {
    const c = parseNetConf(
      JSON.stringify({
        ...base,
        cniVersion: "0.4.0",
        prevResult: { cniVersion: "0.4.0", interfaces: [{ name: "eth0", sandbox: "/n" }], ips: [{ version: "4", interface: 0, address: "10.0.0.1/32" }] },
      }),
    );
    expect(c.prevResult).toEqual({ cniVersion: "1.1.0", interfaces: [{ name: "eth0", sandbox: "/n" }], ips: [{ interface: 0, address: "10.0.0.1/32" }] });
  });

  it("rejects a prevResult whose ips index no interface", () => {
    expect(() => parse({ prevResult: { interfaces: [], ips: [{ interface: 0, address: "10.0.0.1/32" }] } })).toThrow(/not an index/);
  });

  it("reads valid attachments under either key, keys in any case", () => {
    expect(parse({ "cni.dev/valid-attachments": [{ containerID: "a", ifname: "eth0" }] }).validAttachments).toEqual([{ containerId: "a", ifName: "eth0" }]);
    expect(parse({ "cni.dev/attachments": [{ ContainerId: "b", IfName: "net1" }] }).validAttachments).toEqual([{ containerId: "b", ifName: "net1" }]);
    expect(() => parse({ "cni.dev/valid-attachments": [{ containerID: 1 }] })).toThrow(/containerID/);
  });

  it("clamps ipamdTimeout to what a timer can wait (2^31 ms and more failed every ADD) and refuses less than 1ms", () => {
    expect(parse({ ipamdTimeout: `${2 ** 31}ms` }).ipamdTimeoutMs).toBe(MAX_TIMER_MS);
    expect(parse({ ipamdTimeout: "10000h" }).ipamdTimeoutMs).toBe(MAX_TIMER_MS);
    expect(parse({ ipamdTimeout: "1.5ms" }).ipamdTimeoutMs).toBe(2);
    expect(() => parse({ ipamdTimeout: "0" })).toThrow(/at least 1ms/);
    expect(() => parse({ ipamdTimeout: "500us" })).toThrow(/at least 1ms/);
  });

  it.each([
    ["a space", "a b"],
    ["a quote", "'"],
    ["a #", "e#"],
    ["a slash", "a/"],
  ])("refuses a vethPrefix with %s: host interface names must be kernel names", (_n, vethPrefix) => {
    expect(() => parse({ vethPrefix })).toThrow(/vethPrefix makes invalid interface names/);
  });

  it("refuses a relative stateDir (it would depend on the runtime's working directory)", () => {
    expect(() => parse({ stateDir: "state" })).toThrow(/"stateDir" must be an absolute path/);
  });

  it("refuses an ipamdAddress that is no Unix socket or host:port", () => {
    for (const ipamdAddress of ["unix://relative", "127.0.0.1:99999", "host", "a b:50051", "127.0.0.1:0"]) {
      expect(() => parse({ ipamdAddress }), ipamdAddress).toThrow(/ipamdAddress/);
    }
  });

  it("refuses a netconf nested too deep before parsing it (code 6), however small", () => {
    const text = `{"cniVersion":"1.0.0","name":"n","prevResult":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    expect(() => parseNetConf(text)).toThrow(expect.objectContaining({ code: 6, message: "network configuration nested too deep" }));
    // Brackets inside strings are not nesting.
    expect(parse({ note: "[".repeat(100) }).name).toBe("aws-cni");
  });

  it("limits the entries of a prevResult (code 7)", () => {
    const ips = Array.from({ length: 300 }, (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}/32` }));
    expect(() => parse({ prevResult: { ips } })).toThrow(/ips has 300 entries; at most 256/);
  });

  it("keeps only the spec's DNS keys of a prevResult, as strings", () => {
    expect(parse({ prevResult: { dns: { nameservers: ["10.0.0.53"], extra: { deep: 1 } } } }).prevResult?.dns).toEqual({ nameservers: ["10.0.0.53"] });
    expect(() => parse({ prevResult: { dns: { nameservers: [{}] } } })).toThrow(/dns.nameservers/);
  });

  it("checks prevResult addresses, gateways and route destinations", () => {
    expect(() => parse({ prevResult: { ips: [{ address: "10.0.0.1" }] } })).toThrow(/not an IP address with a prefix length/);
    expect(() => parse({ prevResult: { ips: [{ address: "10.0.0.1/32", gateway: "gw" }] } })).toThrow(/gateway/);
    expect(() => parse({ prevResult: { routes: [{ dst: "default" }] } })).toThrow(/routes\[0\].dst/);
    expect(parse({ prevResult: { ips: [{ address: "fd00::1/64", gateway: "fd00::" }], routes: [{ dst: "::/0" }] } }).prevResult?.ips).toHaveLength(1);
  });
});
