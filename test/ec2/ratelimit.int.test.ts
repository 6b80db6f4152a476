// mock-ec2's account-wide token bucket (12 QPS, burst 18 by default) with several concurrent callers
// through the SDK (whose standard retryer retries the 503s): measured from the server's call log, in
// any window of w ms at most 18 + 12 * w / 1000 requests took a token — no wall-clock timing here.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEc2Client } from "../../common/ec2/client.js";
import type { Ec2Client } from "../../common/ec2/client.js";
import { isEc2Error } from "../../common/ec2/errors.js";
import { ipamdEc2Options } from "../../ipamd/cluster/kube.js";
import { startMockEc2 } from "../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../helpers/mock-ec2.js";

let svc: StartedMockEc2;
const clients: Ec2Client[] = [];

beforeAll(async () => {
  svc = await startMockEc2();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  expect(await svc.stop()).toBe(0);
});

describe("mock-ec2: the account-wide rate limit", () => {
  it("never lets more than burst + qps * w through in any window, whoever calls", async () => {
    const limits = await svc.harness.limits();
    expect(limits).toEqual({ qps: 12, burst: 18 });
    const callers = ["vpc-resource-controller", "aws-node-n1", "aws-node-n2", "aws-node-n3"];
    for (const name of callers) clients.push(createEc2Client({ endpoint: svc.endpoint, accessKeyId: name, maxAttempts: 4, callTimeoutMs: 60_000 }));
    const outcomes = await Promise.all(clients.flatMap((c) => Array.from({ length: 15 }, () =>
      c.describeVpcs([]).then(() => "ok", (e: unknown) => (isEc2Error(e) ? e.code : String(e))))));
    const { calls, dropped } = await svc.harness.calls(0);
    expect(dropped).toBe(0);
    const tokened = calls.filter((c) => c.action === "DescribeVpcs" && c.tokened).map((c) => c.at);
    const throttled = calls.filter((c) => c.code === "RequestLimitExceeded");
    // The 60 calls took tokens no faster than the bucket allows, in every window.
    for (let i = 0; i < tokened.length; i++) {
      for (let j = i; j < tokened.length; j++) {
        const w = (tokened[j] as number) - (tokened[i] as number);
        expect(j - i + 1, `window ${i}..${j} (${w} ms)`).toBeLessThanOrEqual(limits.burst + (limits.qps * w) / 1000 + 1e-6);
      }
    }
    // It was really exercised: more than a burst went through, some were refused, and the SDK retried them.
    expect(tokened.length).toBeGreaterThan(limits.burst);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((c) => c.status === 503)).toBe(true);
    expect(new Set(calls.map((c) => c.caller))).toEqual(new Set(callers));
    expect(clients.flatMap((c) => c.callLog()).some((a) => a.attempt > 1)).toBe(true);
    expect(outcomes.filter((o) => o === "ok").length).toBe(tokened.length);
    expect(outcomes.every((o) => o === "ok" || o === "RequestLimitExceeded")).toBe(true);
  });

  it("aws-node's client (10 attempts, as aws-cni's) gets every call through a bucket that three nodes starting at once empty", async () => {
    const from = (await svc.harness.calls(0)).calls.length;
    const nodes = ["n1", "n2", "n3"].map((n) => createEc2Client(ipamdEc2Options(svc.endpoint, `start-${n}`)));
    clients.push(...nodes);
    const outcomes = await Promise.all(nodes.flatMap((c) => Array.from({ length: 20 }, () =>
      c.describeVpcs([]).then(() => "ok", (e: unknown) => (isEc2Error(e) ? e.code : String(e))))));
    expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
    // Throttled on the way: calls were refused, and some needed more than the SDK's default 3 attempts.
    const calls = (await svc.harness.calls(0)).calls.slice(from);
    expect(calls.some((c) => c.code === "RequestLimitExceeded")).toBe(true);
    expect(Math.max(...nodes.flatMap((c) => c.callLog()).map((a) => a.attempt))).toBeGreaterThan(3);
  });

  it("a limit set to qps 0 through the harness lifts it", async () => {
    await svc.harness.setLimits({ qps: 0 });
    const c = createEc2Client({ endpoint: svc.endpoint, accessKeyId: "lifted", maxAttempts: 1 });
    clients.push(c);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => c.describeVpcs([])));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
  });
});
