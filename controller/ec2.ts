// The fake EC2: the network-interface calls the controller and ipamd make, behind a client-side
// token bucket (12 QPS, burst 18), with per-call latency, the SDK's retries, faults answered with
// EC2's real error codes, and a log of every HTTP attempt.

import type { Clock } from "../common/clock.js";
import { createIdSource, createSubnetPool } from "./ids.js";
import { createTokenBucket } from "./ratelimit.js";
import { chance } from "./rng.js";
import type { Ec2Action, Ec2CallRecord, Ec2Config, Ec2Faults, EniKind, EniState, FakeEc2, NetworkInterface, Rng } from "./types.js";

export interface FakeEc2Deps {
  clock: Clock;
  rng: Rng;
}

export class Ec2Error extends Error {
  override readonly name = "Ec2Error";
  constructor(
    readonly code: string,
    message: string,
  ) {
    // The SDK's error text: "api error <Code>: <message>".
    super(`api error ${code}: ${message}`);
  }
}

export function isEc2Error(e: unknown): e is Ec2Error {
  return e instanceof Ec2Error;
}

/** Codes the SDK's standard retryer retries: throttling and server errors. */
const RETRYABLE = new Set(["RequestLimitExceeded", "InternalError", "Unavailable"]);
/** aws-sdk-go-v2 standard retryer: full-jitter exponential back-off, 2^attempt s capped at 20 s. */
const MAX_RETRY_BACKOFF_MS = 20_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** EC2's record of an ENI: the public view plus the trunk a branch is associated with. */
type EniRecord = Mutable<NetworkInterface> & { trunkEniId: string };

export function createFakeEc2(deps: FakeEc2Deps, config: Ec2Config): FakeEc2 {
  const { clock, rng } = deps;
  const bucket = createTokenBucket(clock, config.qps, config.burst);
  const ids = createIdSource(rng);
  const subnets = { primary: createSubnetPool(config.primarySubnetCidr), branch: createSubnetPool(config.branchSubnetCidr) };
  const enis = new Map<string, EniRecord>();
  /** Trunk ENI id -> VLAN id -> associated branch ENI id. */
  const vlans = new Map<string, Map<number, string>>();
  const devices = new Map<string, Set<number>>();
  const log: Ec2CallRecord[] = [];
  let faults: Ec2Faults = { throttleRate: 0, failureRate: 0, subnetExhausted: false };

  const mustGet = (eniId: string): EniRecord => {
    const eni = enis.get(eniId);
    if (eni === undefined || eni.state === "deleted") {
      throw new Ec2Error("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${eniId}' does not exist`);
    }
    return eni;
  };

  /** One HTTP attempt: token, latency, injected fault, then the state change. */
  async function attempt<T>(action: Ec2Action, n: number, eniId: string, signal: AbortSignal | undefined, body: () => T): Promise<T> {
    const rec: Mutable<Ec2CallRecord> = { action, attempt: n, requestedAt: clock.now(), startedAt: 0, endedAt: 0, errorCode: "", eniId };
    log.push(rec);
    const wait = bucket.reserve();
    if (wait > 0) await clock.sleep(wait, signal);
    rec.startedAt = clock.now();
    if (config.callLatencyMs > 0) await clock.sleep(config.callLatencyMs, signal);
    rec.endedAt = clock.now();
    try {
      if (chance(rng, faults.throttleRate)) throw new Ec2Error("RequestLimitExceeded", "Request limit exceeded.");
      if (chance(rng, faults.failureRate)) throw new Ec2Error("InternalError", "An internal error has occurred.");
      const out = body();
      if (rec.eniId === "" && typeof out === "object" && out !== null && "eniId" in out) rec.eniId = String(out.eniId);
      return out;
    } catch (e) {
      rec.errorCode = isEc2Error(e) ? e.code : "ClientError";
      throw e;
    }
  }

  /** A call as the SDK makes it: up to maxAttempts attempts for retryable errors. */
  async function call<T>(action: Ec2Action, eniId: string, signal: AbortSignal | undefined, body: () => T): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt(action, n, eniId, signal, body);
      } catch (e) {
        if (!isEc2Error(e) || !RETRYABLE.has(e.code) || n >= config.maxAttempts) throw e;
        await clock.sleep(rng.next() * Math.min(MAX_RETRY_BACKOFF_MS, 1000 * 2 ** n), signal);
      }
    }
  }

  const snapshot = (e: NetworkInterface & { trunkEniId?: string }): NetworkInterface => {
    const { trunkEniId: _internal, ...pub } = e;
    return Object.freeze({ ...pub, privateIps: [...e.privateIps], securityGroupIds: [...e.securityGroupIds] });
  };

  const newEni = (kind: EniKind, subnet: "primary" | "branch", secondaryIpCount: number, securityGroupIds: readonly string[]): EniRecord => {
    const pool = subnets[subnet];
    const wanted = 1 + secondaryIpCount;
    if (faults.subnetExhausted || pool.free() < wanted) {
      throw new Ec2Error("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${pool.cidr}' to satisfy the requested number of instances.`);
    }
    const ips: string[] = [];
    for (let i = 0; i < wanted; i++) ips.push(pool.allocate() as string);
    const eni: EniRecord = {
      trunkEniId: "",
      eniId: ids.eniId(),
      mac: ids.mac(),
      kind,
      subnetCidr: pool.cidr,
      privateIps: ips,
      securityGroupIds: [...securityGroupIds],
      nodeName: "",
      deviceNumber: -1,
      vlanId: 0,
      associationId: "",
      state: "available",
      podNamespace: "",
      podName: "",
      podUid: "",
    };
    enis.set(eni.eniId, eni);
    return eni;
  };

  const ec2: FakeEc2 = {
    launchInstance(nodeName, secondaryIpCount = 0) {
      // RunInstances is not modelled: the primary ENI exists with the instance, at device 0, and
      // costs no rate-limited call (the controller and ipamd never create it).
      const used = devices.get(nodeName) ?? new Set<number>();
      devices.set(nodeName, used);
      const existing = [...enis.values()].find((e) => e.kind === "primary" && e.nodeName === nodeName && e.state !== "deleted");
      if (existing !== undefined) return snapshot(existing);
      const eni = newEni("primary", "primary", secondaryIpCount, []);
      used.add(0);
      Object.assign(eni, { nodeName, deviceNumber: 0, state: "attached" });
      return snapshot(eni);
    },
    createNetworkInterface(req, signal) {
      return call("CreateNetworkInterface", "", signal, () =>
        snapshot(newEni(req.kind, req.subnet, req.secondaryIpCount ?? 0, req.securityGroupIds ?? [])),
      );
    },
    createNetworkInterfacePermission(eniId, signal) {
      return call("CreateNetworkInterfacePermission", eniId, signal, () => void mustGet(eniId));
    },
    associateTrunkInterface(req, signal) {
      return call("AssociateTrunkInterface", req.branchEniId, signal, () => {
        const trunk = mustGet(req.trunkEniId);
        const branch = mustGet(req.branchEniId);
        if (trunk.kind !== "trunk") throw new Ec2Error("InvalidParameterValue", `${req.trunkEniId} is not a trunk interface`);
        const onTrunk = vlans.get(trunk.eniId) ?? new Map<number, string>();
        vlans.set(trunk.eniId, onTrunk);
        const clash = onTrunk.get(req.vlanId);
        if (clash !== undefined) throw new Ec2Error("InvalidParameterValue", `VLAN ${req.vlanId} is already in use on ${req.trunkEniId} by ${clash}`);
        onTrunk.set(req.vlanId, branch.eniId);
        branch.trunkEniId = trunk.eniId;
        branch.nodeName = trunk.nodeName;
        branch.vlanId = req.vlanId;
        branch.associationId = ids.associationId();
        branch.state = "associated";
        return branch.associationId;
      });
    },
    attachNetworkInterface(req, signal) {
      return call("AttachNetworkInterface", req.eniId, signal, () => {
        const eni = mustGet(req.eniId);
        if (eni.nodeName !== "") throw new Ec2Error("InvalidParameterValue", `${req.eniId} is already attached to ${eni.nodeName}`);
        const used = devices.get(req.nodeName) ?? new Set<number>();
        devices.set(req.nodeName, used);
        let index = req.deviceIndex ?? 0;
        if (req.deviceIndex === undefined) while (used.has(index)) index++;
        else if (used.has(index)) throw new Ec2Error("InvalidParameterValue", `device index ${index} is in use on ${req.nodeName}`);
        used.add(index);
        Object.assign(eni, { nodeName: req.nodeName, deviceNumber: index, state: "attached" });
        return index;
      });
    },
    detachNetworkInterface(eniId, signal) {
      return call("DetachNetworkInterface", eniId, signal, () => {
        const eni = mustGet(eniId);
        devices.get(eni.nodeName)?.delete(eni.deviceNumber);
        Object.assign(eni, { nodeName: "", deviceNumber: -1, state: "available" });
      });
    },
    deleteNetworkInterface(eniId, signal) {
      return call("DeleteNetworkInterface", eniId, signal, () => {
        const eni = mustGet(eniId);
        if (eni.kind !== "branch" && eni.nodeName !== "") throw new Ec2Error("InvalidNetworkInterface.InUse", `The interface ${eniId} is currently in use.`);
        if (eni.trunkEniId !== "") vlans.get(eni.trunkEniId)?.delete(eni.vlanId);
        for (const ip of eni.privateIps) subnets[eni.kind === "branch" ? "branch" : "primary"].release(ip);
        eni.state = "deleted";
      });
    },
    describe: (eniId) => {
      const e = enis.get(eniId);
      return e === undefined ? undefined : snapshot(e);
    },
    list: (filter) =>
      [...enis.values()]
        .filter((e) => e.state !== "deleted" && (filter?.nodeName === undefined || e.nodeName === filter.nodeName) && (filter?.kind === undefined || e.kind === filter.kind))
        .map(snapshot),
    tagPod(eniId: string, pod: { namespace: string; name: string; uid: string }, state: EniState) {
      const eni = enis.get(eniId);
      if (eni !== undefined) Object.assign(eni, { podNamespace: pod.namespace, podName: pod.name, podUid: pod.uid, state });
    },
    callLog: () => log,
    setFaults(f) {
      faults = Object.freeze({ ...faults, ...f });
      return faults;
    },
    getFaults: () => faults,
  };
  return ec2;
}

