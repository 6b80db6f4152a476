// mock-vpc-resource-controller's pure parts: its flags (usage errors before anything starts) and the
// webhook's AdmissionReview answer (JSONPatch of the first container's resources).

import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../cluster/k8s/index.js";
import { buildCommand, parseArgs } from "../../controller/process/flags.js";
import { resourcesPatch, review } from "../../controller/process/webhook.js";

const parse = (argv: string[]) => parseArgs(argv, buildCommand().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined }));

function usageError(argv: string[]): string {
  try {
    parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return `commander:${e.code}`;
    return (e as Error).message;
  }
  throw new Error(`${argv.join(" ")} parsed`);
}

describe("mock-vpc-resource-controller flags", () => {
  it("defaults: in-cluster config, the real cooldown and EC2 limits, no webhook", () => {
    const c = parse([]);
    expect(c).toMatchObject({ kubeconfig: undefined, ec2Endpoint: undefined, cooldownMs: 60_000, ec2Qps: 12, ec2Burst: 18, webhookListen: undefined, webhookService: undefined, webhookConfigName: "vpc-resource-mutating-webhook" });
  });

  it("durations, endpoints and the webhook's Service", () => {
    const c = parse(["--kubeconfig", "/k", "--ec2-endpoint", "http://127.0.0.1:4566/", "--provisioning-delay", "250ms", "--resync", "0", "--webhook-listen", "0.0.0.0:9443", "--webhook-service", "kube-system/vpc-resource-webhook"]);
    expect(c).toMatchObject({ kubeconfig: "/k", ec2Endpoint: "http://127.0.0.1:4566", provisioningDelayMs: 250, resyncMs: 0, webhookListen: "0.0.0.0:9443", webhookService: { namespace: "kube-system", name: "vpc-resource-webhook" } });
  });

  it("refuses bad values with a message naming the flag", () => {
    expect(usageError(["--ec2-endpoint", "ftp://x"])).toContain("--ec2-endpoint");
    expect(usageError(["--provisioning-delay", "soon"])).toContain("--provisioning-delay");
    expect(usageError(["--webhook-listen", "9443"])).toContain("expected HOST:PORT");
    expect(usageError(["--webhook-service", "a/b"])).toContain("needs --webhook-listen");
    expect(usageError(["--webhook-listen", "127.0.0.1:0", "--webhook-service", "Kube_System/x"])).toContain("NAMESPACE/NAME");
    expect(usageError(["--api-qps", "0"])).toContain("--api-qps");
    expect(usageError(["--branch-subnet", "10.0.32.0"])).toContain("IPv4 CIDR");
    expect(usageError(["--kubeconfig", ""])).toContain("empty");
    expect(usageError(["--nope"])).toBe("commander:commander.unknownOption");
  });
});

const pod = (resources?: unknown): K8sObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "app", image: "i", ...(resources === undefined ? {} : { resources }) }] } });
const withEni = (o: K8sObject): K8sObject => {
  const c = structuredClone(o);
  (c.spec as { containers: { resources?: unknown }[] }).containers[0]!.resources = { limits: { "vpc.amazonaws.com/pod-eni": "1" }, requests: { "vpc.amazonaws.com/pod-eni": "1" } };
  return c;
};

describe("the webhook's AdmissionReview", () => {
  it("a matching pod gets a base64 JSONPatch of its first container's resources", () => {
    const { status, reply } = review({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u1", operation: "CREATE", object: pod() } }, withEni);
    expect(status).toBe(200);
    const r = reply as { response: { uid: string; allowed: boolean; patchType: string; patch: string } };
    expect(r.response).toMatchObject({ uid: "u1", allowed: true, patchType: "JSONPatch" });
    expect(JSON.parse(Buffer.from(r.response.patch, "base64").toString())).toEqual([{ op: "add", path: "/spec/containers/0/resources", value: { limits: { "vpc.amazonaws.com/pod-eni": "1" }, requests: { "vpc.amazonaws.com/pod-eni": "1" } } }]);
  });

  it("a pod left as it is: allowed, no patch", () => {
    const { reply } = review({ kind: "AdmissionReview", request: { uid: "u2", operation: "CREATE", object: pod() } }, (o) => o);
    expect((reply as { response: unknown }).response).toEqual({ uid: "u2", allowed: true });
    expect(resourcesPatch(pod({ limits: { cpu: "1" } }), pod({ limits: { cpu: "1" } }))).toEqual([]);
  });

  it("anything but a review with request.uid is a 400", () => {
    expect(review({ kind: "Pod" }, (o) => o).status).toBe(400);
    expect(review(null, (o) => o).status).toBe(400);
    expect(review({ kind: "AdmissionReview", request: {} }, (o) => o).status).toBe(400);
  });
});
