// The vpc-cni-ipam/1 format: exactly the real keys, Go's UnixNano timestamps and omitempty
// metadata, and strict decoding that names the file and the problem.

import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../../common/errors.js";
import { CheckpointEncoder, decodeCheckpoint, encodeCheckpoint } from "../../../ipamd/checkpoint/index.js";
import type { CheckpointData } from "../../../ipamd/checkpoint/index.js";

const sample: CheckpointData = {
  version: "vpc-cni-ipam/1",
  allocations: [
    {
      networkName: "aws-cni",
      containerID: "4f2c0d7e9a",
      ifName: "eth0",
      ipv4: "10.0.0.11",
      allocationTimestampMs: 1_700_000_000_123,
      metadata: { k8sPodNamespace: "default", k8sPodName: "web-1", interfacesCount: 1 },
    },
  ],
};

function refusal(text: string): string {
  try {
    decodeCheckpoint(text, "/state/ipam.json");
  } catch (e: unknown) {
    expect(isHarnessError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("not refused");
}

describe("encodeCheckpoint", () => {
  it("writes the real shape with the timestamp in exact Unix nanoseconds", () => {
    const text = encodeCheckpoint(sample);
    expect(text).toBe(
      '{"version":"vpc-cni-ipam/1","allocations":[{"networkName":"aws-cni","containerID":"4f2c0d7e9a","ifName":"eth0",' +
        '"ipv4":"10.0.0.11","allocationTimestamp":1700000000123000000,' +
        '"metadata":{"k8sPodNamespace":"default","k8sPodName":"web-1","interfacesCount":1}}]}',
    );
  });

  it("leaves out empty metadata like Go's omitempty", () => {
    const text = encodeCheckpoint({
      version: "vpc-cni-ipam/1",
      allocations: [{ ...sample.allocations[0]!, metadata: { k8sPodNamespace: "", k8sPodName: "", interfacesCount: 0 } }],
    });
    expect(text).toContain('"metadata":{}');
  });

  it("round-trips through decode to the millisecond", () => {
    expect(decodeCheckpoint(encodeCheckpoint(sample), "x")).toEqual(sample);
  });
});

describe("decodeCheckpoint", () => {
  it("reads a file as the real ipamd writes it (null allocations, no metadata)", () => {
    expect(decodeCheckpoint('{"version":"vpc-cni-ipam/1","allocations":null}', "f").allocations).toEqual([]);
    const one = decodeCheckpoint(
      '{"version":"vpc-cni-ipam/1","allocations":[{"networkName":"aws-cni","containerID":"c","ifName":"eth0","ipv4":"10.1.2.3","allocationTimestamp":1000000}]}',
      "f",
    );
    expect(one.allocations[0]).toEqual({
      networkName: "aws-cni",
      containerID: "c",
      ifName: "eth0",
      ipv4: "10.1.2.3",
      allocationTimestampMs: 1,
      metadata: {},
    });
  });

  it("refuses text that is not JSON, naming the file", () => {
    const msg = refusal('{"version":"vpc-cni-ipam/1","allocations":[');
    expect(msg).toMatch(/^checkpoint \/state\/ipam\.json: not valid JSON/);
    expect(msg).toContain("refusing");
  });

  it("refuses a foreign or missing version", () => {
    expect(refusal('{"version":"vpc-cni-ipam/2","allocations":[]}')).toContain('format version "vpc-cni-ipam/2" is not "vpc-cni-ipam/1"');
    expect(refusal('{"allocations":[]}')).toContain("format version undefined");
    expect(refusal("[]")).toContain("not a JSON object");
  });

  it("refuses malformed entries, naming the entry and the field", () => {
    const base = { networkName: "aws-cni", containerID: "c", ifName: "eth0", ipv4: "10.0.0.1" };
    const doc = (entry: object): string => JSON.stringify({ version: "vpc-cni-ipam/1", allocations: [base, entry] });
    expect(refusal(doc({ ...base, ipv4: "banana" }))).toContain('allocations[1]: "ipv4" "banana" is not an IPv4 address');
    expect(refusal(doc({ ...base, containerID: "" }))).toContain('allocations[1]: "containerID" must be a non-empty string');
    expect(refusal(doc({ ...base, allocationTimestamp: "yesterday" }))).toContain('"allocationTimestamp" must be a number');
    expect(refusal(doc({ ...base, metadata: { interfacesCount: "one" } }))).toContain('"metadata.interfacesCount"');
    expect(refusal(JSON.stringify({ version: "vpc-cni-ipam/1", allocations: {} }))).toContain('"allocations" is not an array');
    const { ipv4: _dropped, ...v6 } = { ...base, ipv6: "2001:db8::5" };
    expect(refusal(doc(v6))).toContain("allocations[1]: an IPv6 allocation");
  });
});

describe("CheckpointEncoder", () => {
  const many = (n: number): CheckpointData => ({
    version: "vpc-cni-ipam/1",
    allocations: Array.from({ length: n }, (_, i) => ({
      networkName: "aws-cni", containerID: `c${i}-"quoted"\\/é`, ifName: "eth0", ipv4: `10.0.${Math.floor(i / 250)}.${i % 250}`,
      allocationTimestampMs: 1_700_000_000_000 + i,
      metadata: i % 3 === 0 ? {} : { k8sPodNamespace: "ns", k8sPodName: `p${i}`, interfacesCount: i % 2 },
    })),
  });
  const omitEmpty = (m: object): object => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== "" && v !== 0));
  /** The document as JSON.stringify writes it, with the nanoseconds as exact digits. */
  const reference = (d: CheckpointData): string => {
    const entries = d.allocations.map((a) =>
      JSON.stringify({ networkName: a.networkName, containerID: a.containerID, ifName: a.ifName, ipv4: a.ipv4, allocationTimestamp: 0, metadata: omitEmpty(a.metadata) })
        .replace('"allocationTimestamp":0', `"allocationTimestamp":${BigInt(a.allocationTimestampMs) * 1_000_000n}`));
    return `{"version":${JSON.stringify(d.version)},"allocations":[${entries.join(",")}]}`;
  };

  it("writes exactly what JSON.stringify would, with kept bytes and one reused buffer", () => {
    const enc = new CheckpointEncoder();
    for (const n of [0, 1, 7, 1500]) {
      const d = many(n);
      expect(enc.encode(d).toString("utf8")).toBe(reference(d));
      expect(enc.encode(d).toString("utf8")).toBe(reference(d)); // again, from the kept bytes
      expect(decodeCheckpoint(enc.encode(d).toString("utf8"), "x")).toEqual({ ...d, allocations: d.allocations.map((a) => ({ ...a, metadata: omitEmpty(a.metadata) })) });
    }
    // A smaller file after a bigger one: the view ends where the new file ends.
    expect(enc.encode(many(2)).toString("utf8")).toBe(reference(many(2)));
  });

  it("a container id that looks like the old encoder's timestamp marker stays a string", () => {
    const d: CheckpointData = { version: "vpc-cni-ipam/1", allocations: [{ ...sample.allocations[0]!, containerID: "\u0000ns:12" }] };
    expect(decodeCheckpoint(encodeCheckpoint(d), "x").allocations[0]?.containerID).toBe("\u0000ns:12");
  });
});
