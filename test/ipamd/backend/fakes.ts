// Hand-written fakes for the backend's ports: an in-memory IP datastore and a recording log and
// metrics sink, shaped like the real interfaces.

import { HarnessError } from "../../../common/errors.js";
import type { BackendLog, BackendMetrics, IpAssignment, IpDatastore, LeaseKey, NodeInfo } from "../../../ipamd/backend/index.js";

const k = (key: LeaseKey): string => `${key.networkName}/${key.containerID}/${key.ifName}`;

export class FakeDatastore implements IpDatastore {
  readonly leases = new Map<string, IpAssignment>();
  #free: string[];
  constructor(ips: string[], readonly deviceNumber = 1) {
    this.#free = [...ips];
  }
  async assign(key: LeaseKey): Promise<IpAssignment> {
    const had = this.leases.get(k(key));
    if (had !== undefined) return had;
    const ip = this.#free.shift();
    if (ip === undefined) throw new HarnessError("exhausted", "AssignPodIPAddress: no available IP/Prefix addresses");
    const a = { ipv4: ip, deviceNumber: this.deviceNumber, eniId: "eni-fake" };
    this.leases.set(k(key), a);
    return a;
  }
  async release(key: LeaseKey): Promise<IpAssignment | undefined> {
    const a = this.leases.get(k(key));
    if (a === undefined) return undefined;
    this.leases.delete(k(key));
    this.#free.push(a.ipv4);
    return a;
  }
}

export interface LogLine { level: string; msg: string; obj: Record<string, unknown> }

export function recordingLog(): BackendLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function recordingMetrics(): BackendMetrics & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    addRequest: () => void calls.push("add"),
    delRequest: (r) => void calls.push(`del:${r}`),
    addFailure: (r, c) => void calls.push(`fail:${r}:${c}`),
    podEniError: (fn) => void calls.push(`podEniError:${fn}`),
    branchWait: (ms, outcome) => void calls.push(`wait:${outcome}:${ms}`),
  };
}

export function fakeNode(over: Partial<{ trunk: string | undefined; ifindex: number }> = {}): NodeInfo {
  const trunk = "trunk" in over ? over.trunk : "eni-trunk";
  return {
    nodeName: "node-1",
    trunkEniId: () => trunk,
    trunkIfIndex: () => over.ifindex ?? 42,
    vpcV4Cidrs: () => ["10.0.0.0/16"],
  };
}
