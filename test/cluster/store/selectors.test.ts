import { describe, expect, it } from "vitest";
import { META_FIELDS, matchesFields, parseFieldSelector } from "../../../cluster/store/fields.js";
import { matchesLabels, parseLabelSelector } from "../../../cluster/store/labels.js";
import { PODS } from "../../../cluster/store/resources/index.js";
import { toStatus } from "../../../cluster/store/index.js";
import type { K8sObject } from "../../../cluster/k8s/types.js";

const sel = (s: string, labels: Record<string, string> | undefined): boolean => matchesLabels(parseLabelSelector(s), labels);
const code = (fn: () => unknown): number => {
  try {
    fn();
  } catch (e) {
    return toStatus(e).code;
  }
  return 0;
};

describe("label selectors", () => {
  const l = { app: "web", tier: "front", n: "5" };
  it.each([
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (web,db)", true],
    ["app in (db)", false],
    ["app notin (db)", true],
    ["missing notin (db)", true],
    ["app", true],
    ["missing", false],
    ["!missing", true],
    ["!app", false],
    ["app=web,tier=front", true],
    ["app=web, tier=back", false],
    ["n>3", true],
    ["n<3", false],
    ["  app  =  web  ", true],
    ["app=", false],
  ])("%s → %s", (s, want) => {
    expect(sel(s, l)).toBe(want);
  });

  it("matches an empty value with key= and objects without labels with !=", () => {
    expect(sel("a=", { a: "" })).toBe(true);
    expect(sel("a!=x", undefined)).toBe(true);
    expect(sel("a", undefined)).toBe(false);
  });

  it.each(["app in web", "app in (web", "=web", "app=web=x", "app web", "a b c", "Bad Key=x", "n>x"])("rejects %j with 400", (s) => {
    expect(code(() => parseLabelSelector(s))).toBe(400);
  });
});

describe("field selectors", () => {
  const p: K8sObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "a", namespace: "ns" }, spec: { nodeName: "n1" }, status: { phase: "Running" } };
  const m = (s: string): boolean => matchesFields(parseFieldSelector(s, PODS.fields), PODS.fields, p);

  it("supports =, ==, != on the pod's fields", () => {
    expect(m("spec.nodeName=n1")).toBe(true);
    expect(m("spec.nodeName==n1,metadata.namespace=ns")).toBe(true);
    expect(m("spec.nodeName!=n1")).toBe(false);
    expect(m("status.phase=Running,metadata.name!=b")).toBe(true);
    expect(m("spec.nodeName=")).toBe(false);
    expect(m("spec.hostNetwork=false")).toBe(true);
  });

  it("unescapes \\, and \\=", () => {
    const q: K8sObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "a,b=c" } };
    expect(matchesFields(parseFieldSelector("metadata.name=a\\,b\\=c", META_FIELDS), META_FIELDS, q)).toBe(true);
  });

  it("rejects an unknown field with the API server's message (400)", () => {
    expect(() => parseFieldSelector("spec.foo=x", PODS.fields)).toThrow("field label not supported: spec.foo");
    expect(() => parseFieldSelector("spec.foo=x", META_FIELDS, true)).toThrow('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
    expect(code(() => parseFieldSelector("nonsense", PODS.fields))).toBe(400);
  });
});
