// mock-ec2's state across restarts: SIGTERM and kill -9 in the middle of a burst of changes from
// several callers. After the restart every acknowledged change is there, every interface that is
// there is whole (nothing half-applied), and no address is held twice; ids go on without clashing.

import * as ec2 from "@aws-sdk/client-ec2";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MOCK_EC2_JS, startMockEc2 } from "../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../helpers/mock-ec2.js";

interface Acked {
  seq: number;
  eniId: string;
  ips: string[];
}

const TOTAL = 240;
const STOP_AFTER = 60;

/** Fires TOTAL creates from 4 callers; stops the server with `signal` once STOP_AFTER are acknowledged. */
async function burstAndStop(svc: StartedMockEc2, signal: "SIGTERM" | "SIGKILL"): Promise<{ acked: Acked[]; code: number | null }> {
  const subnet = (await svc.sdk().send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: "cidr-block", Values: ["10.0.32.0/19"] }] }))).Subnets?.[0]?.SubnetId;
  const callers = [0, 1, 2, 3].map((i) => svc.sdk(`caller-${i}`, { maxAttempts: 1 }));
  const acked: Acked[] = [];
  let stopping: Promise<number | null> | undefined;
  const sends = Array.from({ length: TOTAL }, async (_, seq) => {
    const c = callers[seq % 4] as ec2.EC2Client;
    const r = await c.send(new ec2.CreateNetworkInterfaceCommand({
      SubnetId: subnet, SecondaryPrivateIpAddressCount: seq % 4 === 0 ? undefined : seq % 4,
      TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "seq", Value: String(seq) }] }],
    }));
    const n = r.NetworkInterface;
    acked.push({ seq, eniId: n?.NetworkInterfaceId ?? "", ips: (n?.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress ?? "") });
    if (acked.length === STOP_AFTER) stopping = svc.stop(signal, { keepState: true });
  });
  await Promise.allSettled(sends);
  const code = await (stopping ?? svc.stop(signal, { keepState: true }));
  return { acked, code };
}

async function checkAfterRestart(stateDir: string, acked: Acked[]): Promise<void> {
  const again = await startMockEc2({ stateDir });
  try {
    expect(again.ready["restored"]).toBe(true);
    const c = again.sdk("checker");
    const all = (await c.send(new ec2.DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? [];
    const byId = new Map(all.map((n) => [n.NetworkInterfaceId, n]));
    // Every acknowledged change is there, exactly as it was acknowledged.
    for (const a of acked) expect(byId.get(a.eniId)?.PrivateIpAddresses?.map((p) => p.PrivateIpAddress), `ENI of seq ${a.seq}`).toEqual(a.ips);
    // Whatever else is there (committed, reply lost) is whole: 1 + seq % 4 addresses, its tag.
    for (const n of all) {
      const seq = Number(n.TagSet?.find((t) => t.Key === "seq")?.Value);
      expect(n.PrivateIpAddresses?.length).toBe(1 + (seq % 4));
    }
    const ips = all.flatMap((n) => (n.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress));
    expect(new Set(ips).size).toBe(ips.length);
    // Ids and addresses go on from there without clashing.
    const fresh = (await c.send(new ec2.CreateNetworkInterfaceCommand({ SubnetId: all[0]?.SubnetId, SecondaryPrivateIpAddressCount: 3 }))).NetworkInterface;
    expect(byId.has(fresh?.NetworkInterfaceId)).toBe(false);
    for (const p of fresh?.PrivateIpAddresses ?? []) expect(ips).not.toContain(p.PrivateIpAddress);
    expect(all.length).toBeGreaterThanOrEqual(acked.length);
  } finally {
    await again.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

describe("mock-ec2: durable state", () => {
  it("kill -9 mid-burst: every acknowledged change survives, nothing is half-applied, no address twice", async () => {
    const svc = await startMockEc2({ args: ["--qps", "0"] });
    const { acked, code } = await burstAndStop(svc, "SIGKILL");
    expect(code).toBeNull();
    expect(acked.length).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(acked.length).toBeLessThan(TOTAL);
    await checkAfterRestart(svc.stateDir, acked);
  });

  it("SIGTERM mid-burst: a clean exit 0, and every acknowledged change survives", async () => {
    const svc = await startMockEc2({ args: ["--qps", "0"] });
    const { acked, code } = await burstAndStop(svc, "SIGTERM");
    expect(code).toBe(0);
    expect(svc.logs.some((l) => l["msg"] === "stopped")).toBe(true);
    expect(acked.length).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(acked.length).toBeLessThan(TOTAL);
    await checkAfterRestart(svc.stateDir, acked);
  });

  it("refuses a corrupt state file by name, and a restart that names another VPC", async () => {
    const svc = await startMockEc2();
    await svc.stop("SIGTERM", { keepState: true });
    const mismatch = (() => {
      try {
        execFileSync(process.execPath, [MOCK_EC2_JS, "--listen", "127.0.0.1:0", "--state-dir", svc.stateDir, "--subnet", "10.0.0.0/24"], { stdio: "pipe" });
        return { status: 0, stderr: "" };
      } catch (e) {
        return e as { status: number; stderr: Buffer };
      }
    })();
    expect(mismatch.status).toBe(1);
    expect(String(mismatch.stderr)).toContain("holds the VPC 10.0.0.0/16");
    writeFileSync(join(svc.stateDir, "ec2-state.json"), '{"format":"mock-ec2-state/1","rngState":');
    const corrupt = (() => {
      try {
        execFileSync(process.execPath, [MOCK_EC2_JS, "--listen", "127.0.0.1:0", "--state-dir", svc.stateDir], { stdio: "pipe" });
        return { status: 0, stderr: "" };
      } catch (e) {
        return e as { status: number; stderr: Buffer };
      }
    })();
    expect(corrupt.status).toBe(1);
    expect(String(corrupt.stderr)).toContain(`mock-ec2 state ${join(svc.stateDir, "ec2-state.json")}: not valid JSON`);
    rmSync(svc.stateDir, { recursive: true, force: true });
  });
});
