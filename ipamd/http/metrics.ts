// Prometheus metrics (prom-client): the real ipamd's awscni_ names where they apply (docs/REFERENCE.md
// section 2), plus the harness's own: ADD failures by reason and classification (so transient
// branch-ENI-not-ready failures can be told from real ones), branch ENI provisioning latency and
// the bounded branch wait.

import { Counter, Gauge, Histogram, Registry, Summary } from "prom-client";
import type { FailureClass } from "../../cluster/k8s/index.js";
import type { AddFailureReason, BackendMetrics } from "../backend/index.js";

/** What the gauges and the EC2/provisioning series are read from at scrape time. */
export interface MetricsSources {
  datastoreStats(): { totalIps: number; assignedIps: number; enis: number };
  ec2Calls(): readonly { action: string; errorCode: string; startedAt: number; endedAt: number }[];
  provisioning(): readonly { outcome: string; queuedAt: number; endedAt: number | undefined }[];
}

export interface IpamdMetrics extends BackendMetrics {
  readonly registry: Registry;
  /** Prometheus text exposition. */
  render(): Promise<string>;
}

export function createMetrics(sources: MetricsSources): IpamdMetrics {
  const registry = new Registry();
  const r = [registry];
  const addIp = new Counter({ name: "awscni_add_ip_req_count", help: "The number of add IP address requests", registers: r });
  const delIp = new Counter({ name: "awscni_del_ip_req_count", help: "The number of delete IP address requests", labelNames: ["reason"], registers: r });
  const podEniErr = new Counter({ name: "awscni_pod_eni_error_count", help: "The number of errors encountered for pod ENIs", labelNames: ["fn"], registers: r });
  const failures = new Counter({
    name: "harness_add_network_failures_total",
    help: "AddNetwork replies with Success=false, by reason and classification (transient-expected: branch ENI not ready yet)",
    labelNames: ["reason", "classification"],
    registers: r,
  });
  const wait = new Histogram({
    name: "harness_branch_eni_wait_seconds",
    help: "How long AddNetwork waited for the branch ENI annotation (--wait-for-branch-eni), by outcome",
    labelNames: ["outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: r,
  });
  new Gauge({ name: "awscni_assigned_ip_addresses", help: "The number of IP addresses assigned to pods", registers: r, collect() { this.set(sources.datastoreStats().assignedIps); } });
  new Gauge({ name: "awscni_total_ip_addresses", help: "The total number of IP addresses", registers: r, collect() { this.set(sources.datastoreStats().totalIps); } });
  new Gauge({ name: "awscni_eni_allocated", help: "The number of ENIs allocated", registers: r, collect() { this.set(sources.datastoreStats().enis); } });

  const apiLatency = new Summary({ name: "awscni_aws_api_latency_ms", help: "AWS API call latency in ms (fake EC2)", labelNames: ["api", "error"], registers: r });
  const provisioning = new Histogram({
    name: "harness_branch_eni_provisioning_seconds",
    help: "Branch ENI provisioning latency per pod, queued to annotation (or failure), by outcome",
    labelNames: ["outcome"],
    buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60],
    registers: r,
  });
  // Records only grow (and provisioning ones end in place): observe each finished one once.
  let ec2Seen = 0;
  const provSeen = new WeakSet<object>();
  const catchUp = (): void => {
    const calls = sources.ec2Calls();
    for (; ec2Seen < calls.length; ec2Seen++) {
      const c = calls[ec2Seen];
      if (c !== undefined) apiLatency.observe({ api: c.action, error: c.errorCode === "" ? "false" : "true" }, c.endedAt - c.startedAt);
    }
    for (const p of sources.provisioning()) {
      if (p.endedAt === undefined || p.outcome === "in-progress" || provSeen.has(p)) continue;
      provSeen.add(p);
      provisioning.observe({ outcome: p.outcome }, (p.endedAt - p.queuedAt) / 1000);
    }
  };

  return {
    registry,
    async render() {
      catchUp();
      return registry.metrics();
    },
    addRequest: () => addIp.inc(),
    delRequest: (reason) => delIp.inc({ reason }),
    addFailure: (reason: AddFailureReason, classification: FailureClass) => failures.inc({ reason, classification }),
    podEniError: (fn) => podEniErr.inc({ fn }),
    branchWait: (ms, outcome) => wait.observe({ outcome }, ms / 1000),
  };
}
