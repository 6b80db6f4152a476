// The env table and CNI_ARGS parsing, unit level.
import { describe, expect, it } from "vitest";
import { parseCniArgs } from "../../../plugin/cni/args.js";
import { containerIdProblem, ifNameProblem, parseEnv } from "../../../plugin/cni/env.js";
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

describe("container id and ifname rules", () => {
  it.each(["a", "0abc", "abc_1.2-3", "f".repeat(64)])("accepts container id %s", (id) => expect(containerIdProblem(id)).toBeUndefined());
  it.each(["-a", ".a", "a b", "a/b", "ä"])("rejects container id %s", (id) => expect(containerIdProblem(id)).toBeDefined());
  it.each(["eth0", "e".repeat(15), "net1.100"])("accepts ifname %s", (n) => expect(ifNameProblem(n)).toBeUndefined());
  it.each(["e".repeat(16), ".", "..", "a/b", "a:b", "a b", "a\tb"])("rejects ifname %j", (n) => expect(ifNameProblem(n)).toBeDefined());
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
    expect(parseCniArgs(";K8S_POD_NAME=a=b;").podName).toBe("a=b");
  });
});
