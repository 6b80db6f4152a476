import { describe, expect, it } from "vitest";
import { POD_ENI_RESOURCE } from "../../common/names.js";
import { parseSgp, buildSgp, sgpFromSimple } from "../../cluster/k8s/index.js";
import type { LabelSelector, SecurityGroupPolicyObject } from "../../cluster/k8s/index.js";
import { FakeClock } from "../../common/clock.js";
import { createController, createSeededRng, matchingSecurityGroups, policyMatches } from "../../controller/index.js";
import { testCluster } from "../helpers/cluster.js";
import { installWebhook } from "./helpers.js";

/** A stored-looking policy from matchLabels maps ({} pod selector: every pod; {} SA selector: none). */
const policy = (p: { name?: string; podSelector?: Record<string, string>; serviceAccountSelector?: Record<string, string>; securityGroupIds?: string[] }): SecurityGroupPolicyObject =>
  parseSgp(buildSgp(sgpFromSimple({ namespace: "ns", name: p.name ?? "p", podSelector: p.podSelector ?? {}, serviceAccountSelector: p.serviceAccountSelector ?? {}, securityGroupIds: p.securityGroupIds ?? ["sg-1"] })));
const withSelectors = (podSelector: LabelSelector | undefined, serviceAccountSelector?: LabelSelector): SecurityGroupPolicyObject =>
  parseSgp(buildSgp({ namespace: "ns", name: "x", ...(podSelector === undefined ? {} : { podSelector }), ...(serviceAccountSelector === undefined ? {} : { serviceAccountSelector }), securityGroupIds: ["sg-1"] }));
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

describe("real LabelSelectors", () => {
  it("matchExpressions: In, NotIn, Exists, DoesNotExist, ANDed with matchLabels", () => {
    const sel = withSelectors({ matchLabels: { app: "db" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod", "stage"] }, { key: "canary", operator: "DoesNotExist" }] });
    expect(policyMatches(sel, pod({ app: "db", env: "prod" }))).toBe(true);
    expect(policyMatches(sel, pod({ app: "db", env: "dev" }))).toBe(false);
    expect(policyMatches(sel, pod({ app: "db", env: "prod", canary: "1" }))).toBe(false);
    const notIn = withSelectors({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }, { key: "team", operator: "Exists" }] });
    expect(policyMatches(notIn, pod({ team: "a" }))).toBe(true);
    expect(policyMatches(notIn, pod({ team: "a", tier: "front" }))).toBe(false);
    expect(policyMatches(notIn, pod({ tier: "back" }))).toBe(false);
  });

  it("a policy with neither selector selects nothing (the controller calls it invalid); an absent SA selector is not checked", () => {
    expect(policyMatches(withSelectors(undefined), pod({}))).toBe(false);
    expect(policyMatches(withSelectors(undefined, { matchLabels: { name: "db-sa" } }), pod({}, "db-sa"))).toBe(true);
    expect(() => parseSgp(buildSgp({ namespace: "ns", name: "bad", podSelector: { matchExpressions: [{ key: "a", operator: "In" }] }, securityGroupIds: ["sg-1"] }))).toThrow(/spec.podSelector.matchExpressions\[0\].values/);
  });
});

describe("SGP webhook as an admission hook", () => {
  it("gives matching pods pod-eni: 1 in limits and requests; leaves others alone", async () => {
    const clock = new FakeClock();
    const store = testCluster(clock);
    const ctl = createController({ clock, cluster: store.cluster, rng: createSeededRng(1) });
    installWebhook(store, ctl);
    await ctl.start();
    store.applyPolicy({ namespace: "ns", name: "p", podSelector: { sg: "yes" }, securityGroupIds: ["sg-1"] });
    const matched = store.createPod({ namespace: "ns", name: "a", labels: { sg: "yes" } });
    const plain = store.createPod({ namespace: "ns", name: "b", labels: { sg: "no" } });
    expect(matched.limits).toEqual({ [POD_ENI_RESOURCE]: "1" });
    expect(matched.requests).toEqual({ [POD_ENI_RESOURCE]: "1" });
    expect(plain.limits).toEqual({});
    // Policies are read at admission time.
    store.deletePolicy("ns", "p");
    expect(store.createPod({ namespace: "ns", name: "c", labels: { sg: "yes" } }).limits).toEqual({});
    ctl.stop();
  });
});
