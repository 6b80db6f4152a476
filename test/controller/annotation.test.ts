import { describe, expect, it } from "vitest";
import { parseBranchAnnotation, renderBranchAnnotation } from "../../controller/index.js";

const eni = {
  eniId: "eni-05fe0123456789abc",
  ifAddress: "06:74:5b:7b:54:3a",
  privateIp: "10.105.49.186",
  ipv6Addr: "",
  vlanId: 2,
  subnetCidr: "10.105.49.128/26",
  subnetV6Cidr: "",
  associationID: "trunk-assoc-0123456789abcdef0",
};

describe("pod-eni annotation", () => {
  it("renders the controller's JSON: an array, keys in ENIDetails order", () => {
    expect(renderBranchAnnotation([eni])).toBe(
      '[{"eniId":"eni-05fe0123456789abc","ifAddress":"06:74:5b:7b:54:3a","privateIp":"10.105.49.186","ipv6Addr":"","vlanId":2,' +
        '"subnetCidr":"10.105.49.128/26","subnetV6Cidr":"","associationID":"trunk-assoc-0123456789abcdef0"}]',
    );
  });

  it("parses element 0 with any key casing (ipamd reads vlanID)", () => {
    expect(parseBranchAnnotation(renderBranchAnnotation([eni, { ...eni, vlanId: 9 }]))).toEqual(eni);
    const old = '[{"eniId":"eni-1","ifAddress":"06:00:00:00:00:01","privateIp":"10.0.0.5","vlanID":7,"subnetCidr":"10.0.0.0/24"}]';
    expect(parseBranchAnnotation(old)).toMatchObject({ eniId: "eni-1", vlanId: 7, ipv6Addr: "", associationID: "" });
  });

  it("refuses what is not a non-empty array of objects", () => {
    expect(() => parseBranchAnnotation("{}")).toThrow(/array/);
    expect(() => parseBranchAnnotation("[]")).toThrow(/array/);
    expect(() => parseBranchAnnotation("nope")).toThrow(/not JSON/);
  });
});
