import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AtomicFile } from "../../../common/atomic-file.js";
import { createSeededRng } from "../../../common/rng.js";
import * as enis from "../../../ec2/model/enis.js";
import { Ec2Model } from "../../../ec2/model/model.js";
import { STATE_FORMAT, decodeState, encodeState } from "../../../ec2/store/format.js";
import { newModel, subnetIds } from "../helpers.js";

function populated(): Ec2Model {
  const m = newModel(5);
  enis.createNetworkInterface(m, {
    subnetId: subnetIds(m)[0] as string, description: "d", groups: ["sg-12345678"], privateIpAddress: undefined, privateIpAddresses: [],
    secondaryCount: 2, interfaceType: "trunk", tagSpecifications: [{ resourceType: "network-interface", tags: [{ key: "k", value: "v" }] }], clientToken: "t1",
  });
  return m;
}

describe("fake EC2 state file", () => {
  it("round-trips: decode(encode(state)) encodes to the same text, ids and addresses included", () => {
    const m = populated();
    const text = encodeState({ model: m.data(), rngState: m.deps.rng.state() });
    const doc = decodeState(text, "state.json");
    const back = Ec2Model.restore(doc.model, { rng: createSeededRng(doc.rngState), now: () => 0 });
    expect(encodeState({ model: back.data(), rngState: doc.rngState })).toBe(text);
    expect(JSON.parse(text).format).toBe(STATE_FORMAT);
  });

  it("refuses a file that is not JSON, of another format, malformed, or inconsistent, naming the file", () => {
    const m = populated();
    const good = JSON.parse(encodeState({ model: m.data(), rngState: 1 })) as Record<string, unknown> & { enis: Record<string, unknown>[] };
    const eni = good.enis[0] as Record<string, unknown>;
    const bad: [string, string][] = [
      ["{not json", "not valid JSON"],
      [JSON.stringify({ ...good, format: "mock-ec2-state/9" }), "format \"mock-ec2-state/9\""],
      [JSON.stringify({ version: "vpc-cni-ipam/1", allocations: [] }), "format undefined"],
      [JSON.stringify({ ...good, enis: [{ ...eni, ips: ["10.0.0.999"] }] }), "enis.0.ips.0"],
      [JSON.stringify({ ...good, enis: [{ ...eni, subnetId: "subnet-0123456789abcdef0" }] }), "unknown subnet"],
      [JSON.stringify({ ...good, enis: [eni, { ...eni, eniId: "eni-0123456789abcdef0", macAddress: "02:00:00:00:00:01" }] }), "held by two interfaces"],
      [JSON.stringify({ ...good, extra: 1 }), "extra"],
    ];
    for (const [text, why] of bad) {
      expect(() => decodeState(text, "/state/ec2-state.json")).toThrow(/mock-ec2 state \/state\/ec2-state.json: .*refusing to start with it/);
      expect(() => decodeState(text, "/state/ec2-state.json")).toThrow(why);
    }
  });
});

describe("atomic file", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("replaces the file whole and leaves no temp file; a failed write leaves the old text", async () => {
    dir = mkdtempSync(join(tmpdir(), "atomic-"));
    const f = new AtomicFile(join(dir, "s.json"));
    expect(await f.read()).toBeUndefined();
    await f.write("one");
    await f.write("two");
    expect(readFileSync(join(dir, "s.json"), "utf8")).toBe("two");
    const failing = new AtomicFile(join(dir, "s.json"), {
      readFile: async () => "", openForWrite: async () => { throw new Error("EIO: disk on fire"); },
      openDir: async () => ({ sync: async () => undefined, close: async () => undefined }),
      rename: async () => undefined, unlink: async () => undefined, mkdir: async () => undefined,
    });
    await expect(failing.write("three")).rejects.toThrow(/write failed: EIO: disk on fire/);
    expect(readFileSync(join(dir, "s.json"), "utf8")).toBe("two");
    writeFileSync(join(dir, "other"), "x");
  });
});
