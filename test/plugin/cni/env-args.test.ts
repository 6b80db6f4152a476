// The env table and CNI_ARGS parsing, unit level.
import { describe, expect, it } from "vitest";
import { parseCniArgs } from "../../../plugin/cni/args.js";
import { parseEnv } from "../../../plugin/cni/env.js";
import { CniError } from "../../../plugin/cni/errors.js";

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof CniError ? e.code : -1;
  }
}

describe("parseEnv", () => {
  it("names every missing variable of the verb at once", () => {
    expect(() => parseEnv({ CNI_COMMAND: "CHECK" })).toThrow("required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME] missing");
  });

  it("needs only CNI_COMMAND for GC and STATUS; CNI_PATH may be absent", () => {
    expect(parseEnv({ CNI_COMMAND: "GC" })).toEqual({ command: "GC", containerId: "", netns: "", ifName: "", args: "", path: [] });
    expect(parseEnv({ CNI_COMMAND: "STATUS", CNI_PATH: "/a:/b" }).path).toEqual(["/a", "/b"]);
  });

  it("DEL does not need CNI_NETNS", () => {
    expect(parseEnv({ CNI_COMMAND: "DEL", CNI_CONTAINERID: "x", CNI_IFNAME: "eth0" }).netns).toBe("");
  });

  it("validates present values even where optional", () => {
    expect(codeOf(() => parseEnv({ CNI_COMMAND: "GC", CNI_IFNAME: "a/b" }))).toBe(4);
  });
});

describe("parseCniArgs", () => {
  it("reads the Kubernetes keys in any order", () => {
    expect(parseCniArgs("K8S_POD_UID=u1;K8S_POD_NAME=p;K8S_POD_INFRA_CONTAINER_ID=i;K8S_POD_NAMESPACE=n")).toEqual({
      podName: "p",
      podNamespace: "n",
      infraContainerId: "i",
      podUid: "u1",
    });
  });

  it("rejects unknown keys unless IgnoreUnknown is true, wherever it comes", () => {
    expect(codeOf(() => parseCniArgs("A=1;K8S_POD_NAME=p"))).toBe(4);
    expect(parseCniArgs("A=1;K8S_POD_NAME=p;IgnoreUnknown=1").podName).toBe("p");
    expect(parseCniArgs("IgnoreUnknown=TRUE;A=1").podName).toBe("");
    expect(codeOf(() => parseCniArgs("IgnoreUnknown=0;A=1"))).toBe(4);
    expect(codeOf(() => parseCniArgs("IgnoreUnknown=maybe"))).toBe(4);
  });

  it("keeps = inside values and tolerates empty items", () => {
    expect(parseCniArgs(";K8S_POD_NAME=web;;IgnoreUnknown=1;X=a=b").podName).toBe("web");
  });

  it.each([
    ["a pod name that is no DNS-1123 subdomain", "K8S_POD_NAME=a=b", /pod name "a=b" is not a DNS-1123 subdomain/],
    ["a namespace with a newline", "K8S_POD_NAMESPACE=default\nx", /pod namespace/],
    ["a 300-character pod name", `K8S_POD_NAME=${"a".repeat(300)}`, /at most 253/],
    ["a uid with a space", "K8S_POD_UID=uid 1", /pod uid/],
    ["an infra container id with a slash", "K8S_POD_INFRA_CONTAINER_ID=a/b", /container id/],
  ])("refuses %s with code 4, naming it", (_n, raw, why) => {
    let err: unknown;
    try {
      parseCniArgs(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 4, message: "CNI_ARGS: invalid values", details: expect.stringMatching(why) });
  });
});
