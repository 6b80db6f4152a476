// The mutating webhook of cluster mode (docs/REFERENCE.md §8): POST /mutate-v1-pod over HTTPS,
// an AdmissionReview v1 in, the same review back with `allowed` and, for a pod that matches a
// SecurityGroupPolicy, a JSONPatch giving its first container vpc.amazonaws.com/pod-eni: "1" in
// limits and requests (the mutation of controller/webhook.ts, on this controller's SGP cache).
// Registered as the MutatingWebhookConfiguration `vpc-resource-mutating-webhook` (webhook
// mpod.vpc.k8s.aws, pod CREATE, failurePolicy Ignore) with this server's CA as its caBundle.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { KubeHttp } from "../../cluster/client/kube/index.js";
import type { K8sContainer, K8sObject } from "../../cluster/k8s/index.js";
import { HarnessError, errorMessage, isHarnessError } from "../../common/errors.js";

export const WEBHOOK_PATH = "/mutate-v1-pod";
const MAX_BODY = 1 << 20;

export interface WebhookServer {
  /** https://host:port/mutate-v1-pod */
  url: string;
  close(): Promise<void>;
}

type Mutate = (pod: K8sObject) => K8sObject;

/** The JSONPatch that turns `before` into `after` for the first container's resources ([] when equal). */
export function resourcesPatch(before: K8sObject, after: K8sObject): unknown[] {
  const first = (o: K8sObject): K8sContainer | undefined => (o.spec as { containers?: K8sContainer[] } | undefined)?.containers?.[0];
  const a = first(after);
  if (a === undefined || JSON.stringify(first(before)?.resources) === JSON.stringify(a.resources)) return [];
  return [{ op: "add", path: "/spec/containers/0/resources", value: a.resources }];
}

/** One AdmissionReview: a review that is not one is a 400 with a reason; a pod never fails here. */
export function review(body: unknown, mutate: Mutate): { status: number; reply: unknown } {
  const r = body as { apiVersion?: unknown; kind?: unknown; request?: { uid?: unknown; object?: unknown; operation?: unknown } };
  if (typeof r !== "object" || r === null || r.kind !== "AdmissionReview" || typeof r.request?.uid !== "string") {
    return { status: 400, reply: { error: "expected an admission.k8s.io/v1 AdmissionReview with request.uid" } };
  }
  const uid = r.request.uid;
  const object = r.request.object as K8sObject | undefined;
  let patch: unknown[] = [];
  if (r.request.operation === "CREATE" && typeof object === "object" && object !== null) patch = resourcesPatch(object, mutate(object));
  const response = patch.length === 0
    ? { uid, allowed: true }
    : { uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") };
  return { status: 200, reply: { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HarnessError("too-large", `request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function handler(mutate: Mutate, onError: (e: unknown) => void) {
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== WEBHOOK_PATH) return send(res, 404, { error: `no such path ${path ?? ""}; the webhook is at ${WEBHOOK_PATH}` });
    if (req.method !== "POST") return send(res, 405, { error: `${req.method ?? ""} not allowed` });
    readBody(req)
      .then((text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, 400, { error: "the body is not JSON" });
        }
        const { status, reply } = review(body, mutate);
        send(res, status, reply);
      })
      .catch((e: unknown) => {
        onError(e);
        if (!res.headersSent) send(res, isHarnessError(e) && e.kind === "too-large" ? 413 : 500, { error: errorMessage(e) });
      });
  };
}

export async function startWebhookServer(o: { listen: string; certPem: string; keyPem: string; mutate: Mutate; onError: (e: unknown) => void }): Promise<WebhookServer> {
  const i = o.listen.lastIndexOf(":");
  const host = o.listen.slice(0, i).replace(/^\[|\]$/g, "");
  const port = Number(o.listen.slice(i + 1));
  const server: Server = createServer({ cert: o.certPem, key: o.keyPem, requestTimeout: 10_000, headersTimeout: 10_000 }, handler(o.mutate, o.onError));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(new HarnessError("unavailable", `--webhook-listen ${o.listen}: ${errorMessage(e)}`)));
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const shown = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return {
    url: `https://${shown}:${a.port}${WEBHOOK_PATH}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type WebhookClientConfig = { url: string } | { service: { namespace: string; name: string; path: string; port: number } };

/**
 * Points the MutatingWebhookConfiguration at this server: a merge PATCH of its webhooks (so a
 * ClusterRole may grant only `patch` on that one name, the configuration shipping with the
 * manifests), a POST only when it does not exist yet.
 */
export async function registerWebhook(http: KubeHttp, o: { name: string; clientConfig: WebhookClientConfig; caPem: string }): Promise<void> {
  const base = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
  const webhooks = [{
    name: "mpod.vpc.k8s.aws",
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: "Ignore",
    timeoutSeconds: 10,
    clientConfig: { ...o.clientConfig, caBundle: Buffer.from(o.caPem).toString("base64") },
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "Namespaced" }],
  }];
  try {
    await http.json({ method: "PATCH", path: `${base}/${encodeURIComponent(o.name)}`, body: { webhooks }, contentType: "application/merge-patch+json", timeoutMs: 10_000, what: `PATCH mutatingwebhookconfigurations ${o.name}` });
  } catch (e) {
    if (!(isHarnessError(e) && e.kind === "not-found")) throw e;
    const body = { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: o.name }, webhooks };
    await http.json({ method: "POST", path: base, body, timeoutMs: 10_000, what: `POST mutatingwebhookconfigurations ${o.name}` });
  }
}
