// deploy/'s Kubernetes manifests through kubectl against the embedded API server (its own
// process): a server-side dry run of all of them accepts every object and stores nothing; then the
// README's apply, for real: every object is there as written, and a second apply changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { StartedApiServer } from "../helpers/apiserver.js";
import { deployManifests, needKubectl, startApiServerProcess } from "../helpers/apiserver.js";
import { describeIf } from "../helpers/prereq.js";
import { loadFile } from "./parts.js";

/** `kind/name` as kubectl prints it in apply's output (group-qualified for non-core kinds). */
const WRITTEN = /^(\S+)\/(\S+) (created|configured|unchanged)( \(server dry run\))?$/;

describeIf(needKubectl(), "deploy/ manifests applied with kubectl to the embedded API server", () => {
  let s: StartedApiServer;
  const files = deployManifests();
  const fileArgs = files.flatMap((f) => ["-f", f]);
  let objects: number;

  beforeAll(async () => {
    s = await startApiServerProcess({ args: ["--no-scheduler"] });
    objects = 0;
    for (const f of files) objects += (await loadFile(f.slice(f.lastIndexOf("/") + 1))).length;
  });
  afterAll(async () => s?.stop());

  it("covers every manifest of deploy/ but kind's cluster configs", () => {
    const names = files.map((f) => f.slice(f.lastIndexOf("/") + 1));
    for (const f of ["crds.yaml", "rbac.yaml", "controller.yaml", "daemonset.yaml", "sample-sgp.yaml"]) expect(names).toContain(f);
    expect(names).not.toContain("kind-config.yaml");
  });

  it("apply --dry-run=server accepts every object and stores none", async () => {
    const before = (await s.http("GET", "/api/v1/namespaces")).json?.metadata as { resourceVersion: string };
    const r = await s.kubectl(["apply", "--dry-run=server", ...fileArgs]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    expect(lines.every((l) => WRITTEN.test(l) && l.endsWith("(server dry run)")), r.stdout).toBe(true);
    expect(lines).toHaveLength(objects);
    const after = (await s.http("GET", "/api/v1/namespaces")).json?.metadata as { resourceVersion: string };
    expect(after.resourceVersion).toBe(before.resourceVersion);
    expect((await s.kubectl(["get", "ds,deploy", "-A"])).stderr).toContain("No resources found");
  });

  it("apply stores every object as written; a second apply changes nothing", async () => {
    const r = await s.kubectl(["apply", ...fileArgs]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter((l) => WRITTEN.test(l))).toHaveLength(objects);
    const got = await s.kubectl(["get", "-n", "kube-system", "ds/mock-vpc-cni", "deploy/vpc-resource-controller", "svc/vpc-resource-controller-webhook", "sa/vpc-resource-controller", "sa/mock-vpc-cni", "-o", "name"]);
    expect(got.stdout.split("\n")).toEqual(["daemonset.apps/mock-vpc-cni", "deployment.apps/vpc-resource-controller", "service/vpc-resource-controller-webhook", "serviceaccount/vpc-resource-controller", "serviceaccount/mock-vpc-cni"]);
    const roles = await s.kubectl(["get", "clusterrole/vpc-resource-controller", "clusterrole/mock-vpc-cni", "clusterrolebinding/vpc-resource-controller", "clusterrolebinding/mock-vpc-cni", "mutatingwebhookconfiguration/vpc-resource-mutating-webhook", "-o", "name"]);
    expect(roles.exitCode, roles.stderr).toBe(0);
    const sgp = await s.kubectl(["get", "sgp", "web", "-o", "jsonpath={.spec.securityGroups.groupIds[0]}"]);
    expect(sgp.stdout).toBe("sg-0123456789abcdef0");
    // The webhook as written: kubectl apply kept the failure policy and the Service reference.
    const hook = JSON.parse((await s.kubectl(["get", "mutatingwebhookconfiguration", "vpc-resource-mutating-webhook", "-o", "json"])).stdout) as { webhooks: { failurePolicy: string; clientConfig: { service: { name: string } } }[] };
    expect(hook.webhooks.map((w) => [w.failurePolicy, w.clientConfig.service.name])).toEqual([["Ignore", "vpc-resource-controller-webhook"]]);
    const again = await s.kubectl(["apply", ...fileArgs]);
    expect(again.exitCode, again.stderr).toBe(0);
    const changed = again.stdout.split("\n").filter((l) => WRITTEN.test(l) && !l.endsWith(" unchanged"));
    // The CRDs were served before the first apply (bootstrap) and are the only ones the first apply "configured".
    expect(changed, again.stdout).toEqual([]);
  });
});
