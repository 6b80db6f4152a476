// mock-vpc-resource-controller --webhook-service: the Service the API server dials in a cluster
// (deploy/controller.yaml), checked before anything starts.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../controller/process/flags.js";

describe("--webhook-service", () => {
  it("is NAMESPACE/NAME of a Service, with --webhook-listen", () => {
    const cfg = parseArgs(["--webhook-listen", "0.0.0.0:9443", "--webhook-service", "kube-system/vpc-resource-controller-webhook"]);
    expect(cfg.webhookService).toEqual({ namespace: "kube-system", name: "vpc-resource-controller-webhook" });
    expect(parseArgs(["--webhook-listen", "127.0.0.1:0"]).webhookService).toBeUndefined();
  });

  it("refuses a malformed value, and a Service without a listener", () => {
    for (const bad of ["svc", "a/b/c", "Kube-System/x", "ns/", "/name"]) {
      expect(() => parseArgs(["--webhook-listen", "0.0.0.0:9443", "--webhook-service", bad]), bad).toThrow(/expected NAMESPACE\/NAME of a Service/);
    }
    expect(() => parseArgs(["--webhook-service", "kube-system/x"])).toThrow("--webhook-service needs --webhook-listen");
  });
});
