import { describe, expect, it } from "vitest";
import { POD_ENI_RESOURCE } from "../../common/names.js";
import { createClusterStore } from "../../cluster/k8s/index.js";
import type { SecurityGroupPolicyObject } from "../../cluster/k8s/index.js";
import { FakeClock } from "../../common/clock.js";
import { createSgpWebhook, matchingSecurityGroups, policyMatches } from "../../controller/index.js";

const policy = (p: Partial<SecurityGroupPolicyObject>): SecurityGroupPolicyObject => ({
  namespace: "ns", name: "p", podSelector: {}, serviceAccountSelector: {}, securityGroupIds: ["sg-1"], ...p,
});
const pod = (labels: Record<string, string>, serviceAccount = "default", namespace = "ns") => ({ namespace, labels, serviceAccount });

describe("SecurityGroupPolicy matching", () => {
  it("an empty podSelector matches every pod of its namespace only", () => {
    expect(policyMatches(policy({}), pod({}))).toBe(true);
    expect(policyMatches(policy({}), pod({}, "default", "other"))).toBe(false);
  });

  it("matchLabels: every selector label must be present with the same value", () => {
    const p = policy({ podSelector: { app: "db", tier: "x" } });
    expect(policyMatches(p, pod({ app: "db", tier: "x", extra: "1" }))).toBe(true);
    expect(policyMatches(p, pod({ app: "db" }))).toBe(false);
    expect(policyMatches(p, pod({ app: "db", tier: "y" }))).toBe(false);
  });

  it("serviceAccountSelector matches the service account's labels (default: name=<sa>) and is ANDed with the pod selector", () => {
    const p = policy({ podSelector: { app: "db" }, serviceAccountSelector: { name: "db-sa" } });
    expect(policyMatches(p, pod({ app: "db" }, "db-sa"))).toBe(true);
    expect(policyMatches(p, pod({ app: "db" }, "default"))).toBe(false);
    expect(policyMatches(p, pod({ app: "web" }, "db-sa"))).toBe(false);
    const lookup = (_ns: string, sa: string) => (sa === "special" ? { team: "red" } : {});
    expect(policyMatches(policy({ serviceAccountSelector: { team: "red" } }), pod({}, "special"), lookup)).toBe(true);
  });

  it("a policy without security groups is ignored; groups are merged without duplicates", () => {
    expect(policyMatches(policy({ securityGroupIds: [] }), pod({}))).toBe(false);
    const groups = matchingSecurityGroups(
      [policy({ securityGroupIds: ["sg-1", "sg-2"] }), policy({ name: "q", securityGroupIds: ["sg-2", "sg-3"] }), policy({ name: "r", podSelector: { no: "match" }, securityGroupIds: ["sg-9"] })],
      pod({}),
    );
    expect(groups).toEqual(["sg-1", "sg-2", "sg-3"]);
  });
});

describe("SGP webhook as an admission hook", () => {
  it("gives matching pods pod-eni: 1 in limits and requests; leaves others alone", () => {
    const store = createClusterStore({ clock: new FakeClock() });
    store.addAdmissionHook(createSgpWebhook(store));
    store.applyPolicy(policy({ podSelector: { sg: "yes" } }));
    const matched = store.createPod({ namespace: "ns", name: "a", labels: { sg: "yes" } });
    const plain = store.createPod({ namespace: "ns", name: "b", labels: { sg: "no" } });
    expect(matched.limits).toEqual({ [POD_ENI_RESOURCE]: "1" });
    expect(matched.requests).toEqual({ [POD_ENI_RESOURCE]: "1" });
    expect(plain.limits).toEqual({});
    // Policies are read at admission time.
    store.deletePolicy("ns", "p");
    expect(store.createPod({ namespace: "ns", name: "c", labels: { sg: "yes" } }).limits).toEqual({});
  });
});
