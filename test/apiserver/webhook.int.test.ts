// Mutating admission webhooks: the api-server process calls a tiny HTTPS webhook of this test's
// own with an AdmissionReview v1 for pod CREATE and applies its JSONPatch, as a real API server
// calls the controller's /mutate-v1-pod.
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeServingCert } from "../../apiserver/tls.js";
import type { StartedApiServer } from "../helpers/apiserver.js";
import { startApiServerProcess } from "../helpers/apiserver.js";

const POD = "/api/v1/namespaces/default/pods";
const MWC = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";

interface Review { request: { uid: string; operation: string; namespace: string; object: { metadata: { labels?: Record<string, string> }; spec: { serviceAccountName?: string } }; dryRun: boolean } }

describe("api-server: mutating admission webhooks", () => {
  let s: StartedApiServer;
  let hook: Server;
  let port = 0;
  const cert = makeServingCert(["127.0.0.1"]);
  const seen: Review["request"][] = [];
  beforeAll(async () => {
    s = await startApiServerProcess({ args: ["--no-scheduler"] });
    hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const review = JSON.parse(Buffer.concat(chunks).toString()) as Review;
        seen.push(review.request);
        const labels = review.request.object.metadata.labels ?? {};
        let response: Record<string, unknown>;
        if (labels.deny === "yes") response = { uid: review.request.uid, allowed: false, status: { code: 403, message: "pods labelled deny=yes are not welcome" } };
        else if (labels.sgp === "yes") {
          // What the controller's webhook adds to a pod matching a SecurityGroupPolicy.
          const patch = [{ op: "add", path: "/spec/containers/0/resources", value: { limits: { "vpc.amazonaws.com/pod-eni": "1" }, requests: { "vpc.amazonaws.com/pod-eni": "1" } } }];
          response = { uid: review.request.uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") };
        } else response = { uid: review.request.uid, allowed: true };
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response }));
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", () => r()));
    port = (hook.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await s.stop();
    await new Promise<void>((r) => hook.close(() => r()));
  });

  const config = (name: string, url: string, failurePolicy: string, selector: Record<string, string>) => JSON.stringify({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name },
    webhooks: [{
      name: `${name}.example.com`, admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy, timeoutSeconds: 5,
      clientConfig: { url, caBundle: Buffer.from(cert.caPem).toString("base64") },
      objectSelector: { matchLabels: selector },
      rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
    }],
  });
  const pod = (name: string, labels: Record<string, string>) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [{ name: "app", image: "pause" }] } });
  const create = (body: string, query = "") => s.http("POST", `${POD}${query}`, { body, contentType: "application/json" });

  it("applies the webhook's JSONPatch to a matching pod, with the pod defaulted as admission sees it", async () => {
    expect((await s.http("POST", MWC, { body: config("mpod", `https://127.0.0.1:${port}/mutate-v1-pod`, "Fail", { webhook: "on" }), contentType: "application/json" })).status).toBe(201);
    const r = await create(pod("sgp-pod", { webhook: "on", sgp: "yes" }));
    expect(r.status).toBe(201);
    expect(r.json?.spec).toMatchObject({ containers: [{ resources: { limits: { "vpc.amazonaws.com/pod-eni": "1" }, requests: { "vpc.amazonaws.com/pod-eni": "1" } } }] });
    const req = seen.find((q) => q.object.metadata.labels?.sgp === "yes");
    expect(req).toMatchObject({ operation: "CREATE", namespace: "default", dryRun: false, object: { spec: { serviceAccountName: "default" } } });
    // Not matching the objectSelector: not sent to the webhook.
    const before = seen.length;
    expect((await create(pod("other", {}))).status).toBe(201);
    expect(seen.length).toBe(before);
  });

  it("a denial is the webhook's status, and nothing is created", async () => {
    const r = await create(pod("denied", { webhook: "on", deny: "yes" }));
    expect(r.status).toBe(403);
    expect(r.json?.message).toBe('admission webhook "mpod.example.com" denied the request: pods labelled deny=yes are not welcome');
    expect((await s.http("GET", `${POD}/denied`)).status).toBe(404);
  });

  it("a dry run reaches the webhook as one (sideEffects None)", async () => {
    const r = await create(pod("dry", { webhook: "on", sgp: "yes" }), "?dryRun=All");
    expect(r.status).toBe(201);
    expect(seen.at(-1)?.dryRun).toBe(true);
    expect((await s.http("GET", `${POD}/dry`)).status).toBe(404);
  });

  it("an unreachable webhook: failurePolicy Ignore creates the pod unchanged, Fail refuses it (500)", async () => {
    expect((await s.http("POST", MWC, { body: config("gone-ignore", "https://127.0.0.1:1/x", "Ignore", { dead: "ignore" }), contentType: "application/json" })).status).toBe(201);
    expect((await s.http("POST", MWC, { body: config("gone-fail", "https://127.0.0.1:1/x", "Fail", { dead: "fail" }), contentType: "application/json" })).status).toBe(201);
    const ignored = await create(pod("ignored", { dead: "ignore" }));
    expect(ignored.status).toBe(201);
    const failed = await create(pod("failed", { dead: "fail" }));
    expect(failed.status).toBe(500);
    expect(failed.json?.message).toContain('failed calling webhook "gone-fail.example.com"');
    expect((await s.http("GET", `${POD}/failed`)).status).toBe(404);
  });
});
