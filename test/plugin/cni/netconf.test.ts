// Netconf parsing: defaults, aws-cni's mtu fallback, our keys, prevResult lifting, attachments.
import { describe, expect, it } from "vitest";
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
      stateDir: "/var/lib/cni/mock-vpc-cni",
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
});
