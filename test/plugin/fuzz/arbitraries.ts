// Generators of plugin input for the fuzz suite (issue #10, item 6): each value is a valid one or a
// hostile one (characters iproute2's batch reader treats specially, controls, wrong types, sizes),
// so the properties see both the success paths and every refusal. Seeded by the callers.
import fc from "fast-check";

/** Characters that matter to iproute2's batch reader, paths, CIDRs and our rules, plus plain ones. */
const UNITS = [" ", "\t", "\n", "\r", "#", "\\", "'", "\"", "/", ":", ".", "-", "_", "=", ";", "a", "z", "Z", "0", "9", "é", "\u0000", "\u00a0"];

export const hostile = (maxLength = 24): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...UNITS), maxLength });

const lowerAlnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789");
const dnsLabel = fc.string({ unit: lowerAlnum, minLength: 1, maxLength: 12 });

export const podName = fc.oneof(dnsLabel, fc.constant(""), hostile());
export const containerId = fc.oneof(fc.stringMatching(/^[a-f0-9]{12,64}$/), hostile(), fc.constant("c".repeat(600)));
export const ifName = fc.oneof(fc.constantFrom("eth0", "net1", "eth0.100", "e".repeat(15)), hostile(16));
export const octet = fc.integer({ min: 0, max: 255 });
export const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
export const mac = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, "0")).join(":"));

/** A value for a string field: usually valid, often hostile, sometimes another JSON type. */
export const fieldOf = (valid: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 3, arbitrary: hostile() }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([])) });

export const cniArgs = fc
  .record({ ns: podName, name: podName, uid: fc.oneof(fc.uuid(), hostile()), extra: fc.option(hostile(8)) })
  .map(({ ns, name, uid, extra }) => `IgnoreUnknown=1;K8S_POD_NAMESPACE=${ns};K8S_POD_NAME=${name};K8S_POD_UID=${uid}${extra === null ? "" : `;${extra}`}`);

/** A prevResult as our ADD writes it, with fields replaced by generated values. */
export const prevResult = fc
  .record({
    address: fieldOf(ipv4.map((ip) => `${ip}/32`)),
    gateway: fc.option(fieldOf(ipv4)),
    dummyMac: fieldOf(fc.oneof(fc.constant("0"), fc.integer({ min: 1, max: 5000 }).map(String))),
    pciID: fc.option(fieldOf(fc.integer({ min: 0, max: 300 }).map(String))),
    routes: fc.array(fc.record({ dst: fieldOf(fc.constant("0.0.0.0/0")), gw: fc.option(fieldOf(ipv4)) }), { maxLength: 3 }),
  })
  .map((g) => (dummyName: string, netns: string) => ({
    cniVersion: "1.0.0",
    interfaces: [
      { name: "eni0123456789a", mac: "02:00:00:00:00:01" },
      { name: "eth0", mac: "02:00:00:00:00:02", sandbox: netns, ...(g.pciID === null ? {} : { pciID: g.pciID }) },
      { name: dummyName, mac: g.dummyMac, sandbox: "0" },
    ],
    ips: [{ interface: 1, address: g.address, ...(g.gateway === null ? {} : { gateway: g.gateway }) }],
    routes: g.routes.map((r) => ({ dst: r.dst, ...(r.gw === null ? {} : { gw: r.gw }) })),
  }));

/** An AddNetworkReply of ipamd, ordinary or branch, fields valid or hostile. */
export const addReply = (parentIfIndex: number) =>
  fc.record({
    ip: fieldOf(ipv4),
    deviceNumber: fc.integer({ min: -2, max: 8 }),
    routeTableId: fc.integer({ min: -2, max: 300 }),
    branch: fc.boolean(),
    vlanId: fc.oneof(fc.integer({ min: 1, max: 4094 }), fc.integer({ min: -5, max: 5000 })),
    mac: fieldOf(mac),
    gateway: fieldOf(ipv4),
    parent: fc.oneof(fc.constant(parentIfIndex), fc.integer({ min: -1, max: 100_000 })),
  }).map((r) => ({
    Success: true,
    IPAllocationMetadata: [{ IPv4Addr: typeof r.ip === "string" ? r.ip : String(r.ip), IPv6Addr: "", DeviceNumber: r.deviceNumber, RouteTableId: r.routeTableId }],
    UseExternalSNAT: false,
    VPCv4CIDRs: [],
    PodVlanId: r.branch ? r.vlanId : 0,
    PodENIMAC: r.branch ? String(r.mac) : "",
    PodENISubnetGW: r.branch ? String(r.gateway) : "",
    ParentIfIndex: r.branch ? r.parent : 0,
    VPCv6CIDRs: [],
    NetworkPolicyMode: "",
  }));

/** A netconf for our plugin with generated values for the keys that reach names, paths and numbers. */
export const netconf = fc.record({
  name: fieldOf(fc.constantFrom("aws-cni", "n1", "x".repeat(300))),
  vethPrefix: fieldOf(fc.constantFrom("eni", "vl", "", "abcd")),
  mtu: fieldOf(fc.integer({ min: 0, max: 70_000 }).map(String)),
  podSGEnforcingMode: fieldOf(fc.constantFrom("strict", "standard")),
  ipamdTimeout: fieldOf(fc.constantFrom("1s", "2147483648ms", "0", "-1s", "1e9h")),
  ipamdAddress: fieldOf(fc.constantFrom("unix:///run/x.sock", "127.0.0.1:50051")),
  stateDir: fieldOf(fc.constantFrom("/tmp/fuzz-state", "relative")),
});

/**
 * A whole invocation: a well-formed one (the success path, ordinary or branch pod), with up to two
 * of its fields taken from a freely generated one. `parentIfIndex` is a real trunk link's index.
 */
export function invocation(parentIfIndex: number, netnsPaths: readonly [string, ...string[]]) {
  /** Every field generated freely (mostly hostile somewhere). */
  const wild = fc.record({
    containerId,
    ifName,
    netns: fc.oneof(fc.constantFrom(...netnsPaths), hostile().map((s) => `/run/netns/${s}`)),
    args: fc.oneof(cniArgs, hostile()),
    conf: netconf,
    add: addReply(parentIfIndex),
    // An honest ipamd answers DEL with the ADD's IP; a hostile one with garbage (a lying one, with
    // another pod's valid IP or VLAN, is not modelled: the plugin trusts ipamd's key, as aws-cni does).
    delIp: fc.oneof(hostile(), fc.integer()),
    delVlan: fc.oneof(fc.integer({ min: -5, max: -1 }), fc.integer({ min: 4095, max: 5000 })),
    prev: fc.option(prevResult),
  });

  /** A well-formed invocation (the success path), ordinary or branch. */
  const valid = fc.record({
    containerId: fc.stringMatching(/^[a-f0-9]{12,64}$/),
    ifName: fc.constantFrom("eth0", "net1"),
    netns: fc.constantFrom(...netnsPaths),
    args: fc.constant("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1"),
    conf: fc.record({ name: fc.constant("aws-cni"), vethPrefix: fc.constantFrom("eni", "abcd"), mtu: fc.constant("1500"), podSGEnforcingMode: fc.constantFrom("strict", "standard") }),
    add: fc.record({ ip: ipv4, branch: fc.boolean(), vlan: fc.integer({ min: 1, max: 4094 }), mac, gw: ipv4, device: fc.integer({ min: 0, max: 3 }) }).map((r) => ({
      Success: true, IPAllocationMetadata: [{ IPv4Addr: r.ip, IPv6Addr: "", DeviceNumber: r.branch ? -1 : r.device, RouteTableId: 0 }], UseExternalSNAT: false, VPCv4CIDRs: [],
      PodVlanId: r.branch ? r.vlan : 0, PodENIMAC: r.branch ? r.mac : "", PodENISubnetGW: r.branch ? r.gw : "", ParentIfIndex: r.branch ? parentIfIndex : 0, VPCv6CIDRs: [], NetworkPolicyMode: "",
    })),
    delIp: fc.constant("" as unknown),
    delVlan: fc.constant(0),
    prev: fc.constant(null),
  }).map((v) => ({ ...v, delIp: v.add.IPAllocationMetadata[0]?.IPv4Addr as unknown }));

  /** A valid invocation with up to two of its fields taken from a wild one. */
  return fc
    .tuple(valid, wild, fc.subarray(["containerId", "ifName", "netns", "args", "conf", "add", "delIp", "delVlan", "prev"] as const, { maxLength: 2 }))
    .map(([v, w, keys]) => ({ ...v, ...Object.fromEntries(keys.map((k) => [k, w[k]])) }) as typeof v | typeof w);
}
