// The EC2 latency series reads a bounded call log (the oldest records leave it): each finished
// record is observed exactly once, a running one when it ends, and nothing is counted twice or lost
// when the log is trimmed between scrapes.

import { describe, expect, it } from "vitest";
import { pushBounded } from "../../../common/bounded.js";
import { createMetrics } from "../../../ipamd/http/metrics.js";

type Rec = { action: string; errorCode: string; startedAt: number; endedAt: number };

const count = (text: string, api: string): number =>
  Number(new RegExp(`^awscni_aws_api_latency_ms_count\\{api="${api}",error="false"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);

describe("ipamd metrics over bounded logs", () => {
  it("observes each finished EC2 call once, across scrapes and trims of the log", async () => {
    const log: Rec[] = [];
    const m = createMetrics({ datastoreStats: () => ({ totalIps: 0, assignedIps: 0, enis: 0 }), ec2Calls: () => log, provisioning: () => [] });
    for (let i = 0; i < 10; i++) pushBounded(log, { action: "CreateNetworkInterface", errorCode: "", startedAt: i, endedAt: i + 1 }, 8);
    const running: Rec = { action: "AttachNetworkInterface", errorCode: "", startedAt: 20, endedAt: 0 };
    pushBounded(log, running, 8);
    let text = await m.render();
    expect(count(text, "CreateNetworkInterface")).toBe(log.filter((r) => r.action === "CreateNetworkInterface").length);
    const seenBefore = count(text, "CreateNetworkInterface");
    expect(count(text, "AttachNetworkInterface")).toBe(0); // still running
    running.endedAt = 25;
    for (let i = 0; i < 20; i++) pushBounded(log, { action: "CreateNetworkInterface", errorCode: "", startedAt: 30 + i, endedAt: 31 + i }, 8);
    text = await m.render();
    expect(count(text, "AttachNetworkInterface")).toBe(log.includes(running) ? 1 : 0);
    // The 20 new ones were pushed after the first scrape, but only those still in the log are seen.
    expect(count(text, "CreateNetworkInterface")).toBe(seenBefore + log.filter((r) => r.action === "CreateNetworkInterface" && r.startedAt >= 30).length);
    text = await m.render();
    expect(count(text, "CreateNetworkInterface")).toBe(seenBefore + log.filter((r) => r.action === "CreateNetworkInterface" && r.startedAt >= 30).length);
  });
});
