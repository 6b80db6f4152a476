// Our hand-written proto3 codec and field tables against protobufjs reading proto/rpc.proto: the
// tables match the .proto, and bytes agree in both directions.
import protobuf from "protobufjs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AddNetworkReplySpec,
  AddNetworkRequestSpec,
  DelNetworkReplySpec,
  DelNetworkRequestSpec,
  IPAllocationMetadataSpec,
} from "../../../plugin/client/schema.js";
import { decodeMessage, encodeMessage, type MessageSpec } from "../../../plugin/client/wire.js";
import { REPO } from "./test-server.js";

const root = protobuf.loadSync(join(REPO, "proto", "rpc.proto"));
const SPECS = [AddNetworkRequestSpec, AddNetworkReplySpec, DelNetworkRequestSpec, DelNetworkReplySpec, IPAllocationMetadataSpec];
const type = (spec: MessageSpec) => root.lookupType(`rpc.${spec.name}`);
const toObject = (spec: MessageSpec, bytes: Uint8Array) =>
  type(spec).toObject(type(spec).decode(bytes), { defaults: true, arrays: true, longs: Number });

describe("field tables", () => {
  it.each(SPECS.map((s) => [s.name, s] as const))("%s matches proto/rpc.proto field for field", (_n, spec) => {
    const fromProto = type(spec)
      .fieldsArray.map((f) => ({ no: f.id, name: f.name, kind: f.resolvedType ? "message" : f.type, repeated: f.repeated }))
      .sort((a, b) => a.no - b.no);
    const ours = [...spec.fields]
      .map((f) => ({ no: f.no, name: f.name, kind: f.kind, repeated: f.repeated ?? false }))
      .sort((a, b) => a.no - b.no);
    expect(ours).toEqual(fromProto);
  });
});

const SAMPLES: [MessageSpec, Record<string, unknown>][] = [
  [
    AddNetworkRequestSpec,
    {
      K8S_POD_NAME: "web-1",
      K8S_POD_NAMESPACE: "default",
      K8S_POD_INFRA_CONTAINER_ID: "c0ffee",
      Netns: "/var/run/netns/cni-1",
      IfName: "eth0",
      NetworkName: "aws-cni",
      ContainerID: "c0ffee",
      ClientVersion: "v1.20.0-harness",
      RequiresMultiNICAttachment: true,
    },
  ],
  [
    AddNetworkReplySpec,
    {
      Success: true,
      IPAllocationMetadata: [
        { IPv4Addr: "10.1.2.3", IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 },
        { IPv4Addr: "", IPv6Addr: "fd00::1", DeviceNumber: 3, RouteTableId: 4 },
      ],
      UseExternalSNAT: false,
      VPCv4CIDRs: ["10.0.0.0/16", "100.64.0.0/10"],
      PodVlanId: 120,
      PodENIMAC: "06:74:5b:7b:54:3a",
      PodENISubnetGW: "10.105.49.129",
      ParentIfIndex: 2_000_000_000,
      VPCv6CIDRs: [],
      NetworkPolicyMode: "standard",
    },
  ],
  [
    DelNetworkRequestSpec,
    { K8S_POD_NAME: "p", K8S_POD_NAMESPACE: "ns", K8S_POD_INFRA_CONTAINER_ID: "i", Reason: "PodDeleted", IfName: "eth0", NetworkName: "n", ContainerID: "c", ClientVersion: "v", K8S_POD_UID: "ü-uid" },
  ],
  [DelNetworkReplySpec, { Success: false, IPAllocationMetadata: [], PodVlanId: -5, NetworkPolicyMode: "" }],
];

/**
 * protobufjs writes every field present on the object, defaults included; proto3 writers such as
 * Go's omit them (and so do we). Both are valid: compare against protobufjs given only non-defaults.
 */
function withoutDefaults(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === "" || v === 0 || v === false || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = Array.isArray(v) ? v.map((x) => (typeof x === "object" && x !== null ? withoutDefaults(x as Record<string, unknown>) : x)) : v;
  }
  return out;
}

describe("codec", () => {
  it.each(SAMPLES.map(([s, o]) => [s.name, s, o] as const))("%s encodes byte-for-byte like protobufjs and decodes back", (_n, spec, obj) => {
    const ours = encodeMessage(spec, obj);
    const theirs = type(spec).encode(type(spec).fromObject(withoutDefaults(obj))).finish();
    expect(Buffer.from(ours).toString("hex")).toBe(Buffer.from(theirs).toString("hex"));
    expect(decodeMessage(spec, theirs)).toEqual(toObject(spec, theirs));
    expect(decodeMessage(spec, theirs)).toEqual(obj);
    // ...and reads the other valid form, defaults written out.
    expect(decodeMessage(spec, type(spec).encode(type(spec).fromObject(obj)).finish())).toEqual(obj);
  });

  it("fills proto3 defaults for an empty message", () => {
    expect(decodeMessage(DelNetworkReplySpec, new Uint8Array())).toEqual({ Success: false, IPAllocationMetadata: [], PodVlanId: 0, NetworkPolicyMode: "" });
  });

  it("skips fields it does not know (a newer ipamd), of every wire type", () => {
    const known = type(DelNetworkReplySpec).encode({ Success: true, PodVlanId: 7 }).finish();
    const w = protobuf.Writer.create();
    w.uint32((20 << 3) | 0).uint64(123456789012);
    w.uint32((21 << 3) | 1).fixed64(1);
    w.uint32((22 << 3) | 2).string("future");
    w.uint32((23 << 3) | 5).fixed32(9);
    const bytes = Buffer.concat([Buffer.from(w.finish()), Buffer.from(known)]);
    expect(decodeMessage(DelNetworkReplySpec, bytes)).toMatchObject({ Success: true, PodVlanId: 7 });
  });

  it("refuses truncated input", () => {
    const full = type(AddNetworkRequestSpec).encode({ K8S_POD_NAME: "abcdef" }).finish();
    expect(() => decodeMessage(AddNetworkRequestSpec, full.subarray(0, full.length - 2))).toThrow(/truncated/);
  });
});
