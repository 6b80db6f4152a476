// Host link naming (<= 15 chars, prefixable), the ownership pattern used by the stale-link sweep,
// and the implementation choice (root / non-root / off) without touching the host.

import { describe, expect, it } from "vitest";
import { createHostLinks, hostLinkNames, ownedNamePattern, validatePrefix } from "../../../ipamd/hostlinks/index.js";

describe("host link names", () => {
  it("names the ENI's link after its device number, the peer with a trailing p", () => {
    expect(hostLinkNames("mh-", 1, false)).toEqual({ name: "mh-eni1", peerName: "mh-eni1p" });
    expect(hostLinkNames("mh-", 2, true)).toEqual({ name: "mh-trunk2", peerName: "mh-trunk2p" });
  });

  it("refuses prefixes that would make names longer than 15 characters or are not name-safe", () => {
    expect(validatePrefix("abcde-")).toBe("abcde-");
    expect(() => validatePrefix("abcdefgh-")).toThrow(/longer than 15 characters/);
    expect(() => validatePrefix("a/b")).toThrow(/letters, digits/);
    expect(() => validatePrefix("")).toThrow(/letters, digits/);
  });

  it("recognises exactly its own links", () => {
    const p = ownedNamePattern("mh-");
    for (const n of ["mh-eni1", "mh-eni1p", "mh-trunk12", "mh-trunk12p"]) expect(p.test(n)).toBe(true);
    for (const n of ["eni1", "mh-eth0", "mh-eni", "xmh-eni1", "mh-eni1x", "mhxeni1"]) expect(p.test(n)).toBe(false);
    expect(ownedNamePattern("a.b-").test("aXb-eni1")).toBe(false);
  });
});

describe("createHostLinks", () => {
  it("is a no-op that says why when not root (auto) or when off", async () => {
    const links = createHostLinks({ mode: "auto", isRoot: false });
    expect(links.enabled).toBe(false);
    expect(links.description).toContain("not running as root");
    const link = await links.ensure({ eniId: "eni-1", mac: "02:00:00:00:00:01", deviceNumber: 2, isTrunk: true });
    expect(link).toMatchObject({ name: "mh-trunk2", ifIndex: 0 });
    expect(links.list()).toHaveLength(1);
    await links.removeAll();
    expect(links.list()).toHaveLength(0);
    expect(createHostLinks({ mode: "off", isRoot: true }).description).toContain("turned off");
  });

  it("refuses mode on without root", () => {
    expect(() => createHostLinks({ mode: "on", isRoot: false })).toThrow(/needs root/);
  });

  it("uses iproute2 as root", () => {
    const links = createHostLinks({ mode: "auto", isRoot: true, ip: async () => "[]" });
    expect(links.enabled).toBe(true);
  });
});
