// Deterministic MACs: stable, locally administered, unicast, distinct per seed.
import { describe, expect, it } from "vitest";
import { containerMac, deterministicMac, hostVethMac } from "../../../plugin/dataplane/mac.js";

describe("deterministic MACs", () => {
  it("are stable, locally administered and unicast", () => {
    for (const seed of ["a", "b", "eni0123456789a", "x".repeat(100)]) {
      const mac = deterministicMac(seed);
      expect(mac).toBe(deterministicMac(seed));
      expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      expect(first & 0x02).toBe(0x02);
      expect(first & 0x01).toBe(0);
    }
  });

  it("differ between host veth and container and between attachments", () => {
    expect(hostVethMac("eni1")).not.toBe(hostVethMac("eni2"));
    expect(containerMac("c1", "eth0")).not.toBe(containerMac("c2", "eth0"));
    expect(containerMac("c1", "eth0")).not.toBe(containerMac("c1", "eth1"));
  });
});
