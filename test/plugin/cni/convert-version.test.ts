// Versions, result conversion per version, and the error type.
import { describe, expect, it } from "vitest";
import { convertResult } from "../../../plugin/cni/convert.js";
import { CniError, isCniError, toCniError } from "../../../plugin/cni/errors.js";
import type { Result110 } from "../../../plugin/cni/types110.js";
import { compareVersions, requireSupported, versionAtLeast } from "../../../plugin/cni/version.js";

const full: Result110 = {
  cniVersion: "1.1.0",
  interfaces: [
    { name: "veth1", mac: "aa:bb:cc:dd:ee:ff" },
    { name: "eth0", mac: "02:00:00:00:00:01", sandbox: "/n", mtu: 1500, pciID: "3", socketPath: "/s" },
  ],
  ips: [
    { interface: 1, address: "10.0.0.5/32", gateway: "10.0.0.1" },
    { interface: 1, address: "fd00::5/128" },
  ],
  routes: [{ dst: "0.0.0.0/0", gw: "169.254.1.1", mtu: 1400, table: 100, scope: 0, priority: 5, advmss: 1300 }],
  dns: { nameservers: ["10.0.0.53"] },
};

describe("convertResult", () => {
  it("1.1.0 keeps everything", () => {
    expect(convertResult(full, "1.1.0")).toEqual(full);
  });

  it("1.0.0 drops the 1.1.0 interface and route fields, no ips version", () => {
    const r = convertResult(full, "1.0.0");
    expect(r).toEqual({
      cniVersion: "1.0.0",
      interfaces: [
        { name: "veth1", mac: "aa:bb:cc:dd:ee:ff" },
        { name: "eth0", mac: "02:00:00:00:00:01", sandbox: "/n" },
      ],
      ips: [
        { interface: 1, address: "10.0.0.5/32", gateway: "10.0.0.1" },
        { interface: 1, address: "fd00::5/128" },
      ],
      routes: [{ dst: "0.0.0.0/0", gw: "169.254.1.1" }],
      dns: { nameservers: ["10.0.0.53"] },
    });
  });

  it.each(["0.3.0", "0.3.1", "0.4.0"] as const)("%s adds ips version 4 or 6", (v) => {
    const r = convertResult(full, v) as { cniVersion: string; ips: { version: string }[] };
    expect(r.cniVersion).toBe(v);
    expect(r.ips.map((i) => i.version)).toEqual(["4", "6"]);
  });

  it("does not mutate its input", () => {
    const copy = structuredClone(full);
    convertResult(full, "0.3.1");
    expect(full).toEqual(copy);
  });
});

describe("versions", () => {
  it("compares semantically", () => {
    expect(compareVersions("0.10.0", "0.4.0")).toBeGreaterThan(0);
    expect(versionAtLeast("1.0.0", "0.4.0")).toBe(true);
    expect(versionAtLeast("0.3.1", "0.4.0")).toBe(false);
  });

  it("refuses unsupported versions with code 1 and the supported list", () => {
    try {
      requireSupported("0.2.0");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CniError);
      expect((e as CniError).code).toBe(1);
      expect((e as CniError).details).toContain('"1.1.0"');
    }
  });
});

describe("CniError", () => {
  it("is never wrapped twice; unknown errors become 999 with the cause", () => {
    const orig = new CniError(11, "try later", { details: "d" });
    expect(toCniError(orig)).toBe(orig);
    const boom = new TypeError("x is undefined");
    const wrapped = toCniError(boom);
    expect(wrapped.code).toBe(999);
    expect(wrapped.message).toBe("x is undefined");
    expect(wrapped.cause).toBe(boom);
    expect(isCniError(wrapped)).toBe(true);
    expect(wrapped.name).toBe("CniError");
  });

  it("prints the spec's fields only, details when present", () => {
    expect(new CniError(7, "bad").toJSON("1.0.0")).toEqual({ cniVersion: "1.0.0", code: 7, msg: "bad" });
    expect(JSON.stringify(new CniError(4, "m", { details: "d" }).toJSON("0.4.0"))).toBe('{"cniVersion":"0.4.0","code":4,"msg":"m","details":"d"}');
  });
});
