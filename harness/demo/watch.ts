// Turns what the daemon reports (events, ENIs, EC2-call log lines) and what the runtime does
// (CNI calls) into output records, as they happen.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import { errorMessage } from "../../common/errors.js";
import type { ControlClient } from "../../ipamd/index.js";
import type { SandboxCall } from "../../runtime/index.js";
import type { OutputRecord } from "../output/types.js";

const EC2_CALLS = ["CreateNetworkInterfacePermission", "CreateNetworkInterface", "AssociateTrunkInterface", "DisassociateTrunkInterface", "DeleteNetworkInterface", "AttachNetworkInterface", "DescribeNetworkInterfaces"];

/** An EC2 call named in a daemon log line (field `call`/`api`/`operation`, or the message). */
export function ec2CallOf(line: Record<string, unknown>): { call: string; detail: string } | undefined {
  const text = [line.call, line.api, line.operation, line.msg].filter((v): v is string => typeof v === "string").join(" ");
  const call = EC2_CALLS.find((c) => text.includes(c));
  if (call === undefined) return undefined;
  const keep = ["eniId", "vlanId", "pod", "trunkEniId", "branchEniId", "latencyMs", "error"];
  const detail = keep.filter((k) => line[k] !== undefined).map((k) => `${k}=${String(line[k])}`).join(" ");
  return { call, detail: detail === "" ? String(line.msg ?? "") : detail };
}

export function cniRecord(c: SandboxCall, at: number): OutputRecord {
  return {
    kind: "cni",
    at,
    call: { verb: c.verb, network: c.network, ifName: c.ifName, pod: `${c.pod.namespace}/${c.pod.name}`, sandboxId: c.sandboxId, netns: c.netns, durationMs: c.durationMs, ok: c.ok, error: c.error, ips: c.ips },
  };
}

/** After ResourceAllocated: the branch ENI as the daemon lists it (ENI id, VLAN, MAC, IP). */
export async function branchEniRecords(control: ControlClient, e: ClusterEvent, now: () => number): Promise<OutputRecord[]> {
  try {
    const { enis } = await control.ListENIs({}, { timeoutMs: 5_000 });
    return enis
      .filter((x) => x.branch && x.pod_name === e.involvedObject.name && x.pod_namespace === e.involvedObject.namespace)
      .map((x): OutputRecord => ({
        kind: "eni",
        at: now(),
        eni: { pod: `${x.pod_namespace}/${x.pod_name}`, eniId: x.eni_id, vlanId: x.vlan_id, mac: x.mac, ipv4: x.ipv4_addresses, subnetCidr: x.subnet_cidr, state: x.state },
      }));
  } catch (err) {
    return [{ kind: "info", at: now(), text: `(ListENIs failed: ${errorMessage(err)})` }];
  }
}

/** Per EC2 API: calls and summed latency, from mock-ipamd's awscni_aws_api_latency_ms summary. */
export function parseEc2Metrics(text: string): Map<string, { count: number; sumMs: number; errors: number }> {
  const out = new Map<string, { count: number; sumMs: number; errors: number }>();
  const re = /^awscni_aws_api_latency_ms_(count|sum)\{([^}]*)\} ([0-9.eE+-]+)$/gm;
  for (const m of text.matchAll(re)) {
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const api = labels.api ?? "";
    const cur = out.get(api) ?? { count: 0, sumMs: 0, errors: 0 };
    const v = Number(m[3]);
    if (m[1] === "count") {
      cur.count += v;
      if (labels.error === "true") cur.errors += v;
    } else cur.sumMs += v;
    out.set(api, cur);
  }
  return out;
}

/** "2 new calls, 50 ms each on average (3 in all)": calls since the previous ec2 line. */
export function ec2Detail(n: number, avgMs: number, failed: number, total: number): string {
  const took = n === 1 ? `${Math.round(avgMs)} ms` : `${Math.round(avgMs)} ms each on average`;
  return `${n} new call${n === 1 ? "" : "s"}, ${took}${failed > 0 ? `, ${failed} failed` : ""} (${total} in all)`;
}

/**
 * The EC2 calls made since the previous scrape, as output records (one per API). The counts are
 * mock-ipamd's awscni_aws_api_latency_ms, which counts the calls of its fake VPC resource
 * controller and of ipamd alike.
 */
export function ec2Tracker(metricsUrl: string | undefined, now: () => number): () => Promise<OutputRecord[]> {
  let seen = new Map<string, { count: number; sumMs: number; errors: number }>();
  return async () => {
    if (metricsUrl === undefined) return [];
    try {
      const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
      const current = parseEc2Metrics(await res.text());
      const recs: OutputRecord[] = [];
      for (const [api, c] of current) {
        const before = seen.get(api) ?? { count: 0, sumMs: 0, errors: 0 };
        const n = c.count - before.count;
        if (n <= 0) continue;
        const errs = c.errors - before.errors;
        recs.push({ kind: "ec2", at: now(), call: api, detail: ec2Detail(n, (c.sumMs - before.sumMs) / n, errs, c.count) });
      }
      seen = current;
      return recs;
    } catch (e) {
      return [{ kind: "info", at: now(), text: `(metrics scrape failed: ${errorMessage(e)})` }];
    }
  };
}
