import { describe, expect, it } from "vitest";
import { createIdSource, createSubnetPool } from "../../controller/ids.js";
import { createSeededRng } from "../../controller/index.js";

describe("subnet pool", () => {
  it("skips AWS's reserved addresses and hands out the lowest free", () => {
    const pool = createSubnetPool("10.0.0.0/28");
    const ips = Array.from({ length: 11 }, () => pool.allocate());
    expect(ips[0]).toBe("10.0.0.4");
    expect(ips[10]).toBe("10.0.0.14");
    expect(pool.allocate()).toBeUndefined();
    pool.release("10.0.0.7");
    pool.release("10.0.0.5");
    expect(pool.allocate()).toBe("10.0.0.5");
    expect(pool.allocate()).toBe("10.0.0.7");
    expect(createSubnetPool("10.1.2.77/24").cidr).toBe("10.1.2.0/24");
    expect(() => createSubnetPool("10.0.0.0/30")).toThrow(/CIDR/);
  });
});

describe("id source", () => {
  it("ENI ids are eni- + 17 hex, MACs locally administered, all unique", () => {
    const ids = createIdSource(createSeededRng(1));
    const enis = new Set<string>();
    const macs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = ids.eniId();
      const mac = ids.mac();
      expect(id).toMatch(/^eni-[0-9a-f]{17}$/);
      expect(mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
      enis.add(id);
      macs.add(mac);
    }
    expect(enis.size).toBe(2000);
    expect(macs.size).toBe(2000);
    expect(ids.associationId()).toMatch(/^trunk-assoc-[0-9a-f]{17}$/);
  });
  it("remembers the last `memory` ids for uniqueness: a repeat among them is drawn again, an older one may come back", () => {
    // An RNG scripted to draw the MACs A, A, B, C, A (5 bytes each).
    const script = [0x10, 0x10, 0x20, 0x30, 0x10].flatMap((b) => Array<number>(5).fill((b + 0.5) / 256));
    let n = 0;
    const ids = createIdSource({ next: () => script[n++] ?? 0 }, 2);
    const got = Array.from({ length: 4 }, () => ids.mac());
    // The second A is drawn again (B); C pushes A out of the memory of 2, so A may be handed out again.
    expect(got).toEqual(["02:10:10:10:10:10", "02:20:20:20:20:20", "02:30:30:30:30:30", "02:10:10:10:10:10"]);
  });
});
