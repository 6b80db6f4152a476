// The in-memory IP allocation state of one node (pure, synchronous): ENIs and their secondary IPs,
// leases keyed by (networkName, containerID, ifName), and the release cooldown.
//
// Every method is synchronous on purpose: the daemon's async handlers interleave only at awaits, so
// one assign runs to completion before another starts and an IP can never be handed out twice.
// Durability (the checkpoint) is layered on top by DurableDatastore, which assigns here first and
// then awaits the write, rolling back with rollbackAssign/rollbackRelease when the write fails.

import type { Clock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import { DEFAULT_IP_COOLDOWN_MS, noAvailableIp, routeTableFor, unknownPod } from "./errors.js";
import type { Assignment, DatastoreStats, EniInfo, EniSpec, IpState, Lease, LeaseKey, PodMetadata } from "./types.js";
import { leaseKeyString } from "./types.js";
import type { EniRecord } from "./records.js";
import { FREE, freezeKey, freezeSpec, isAssignable } from "./records.js";

export interface DatastoreOptions {
  readonly clock: Clock;
  /** IP_COOLDOWN_PERIOD in ms (default 30 s). */
  readonly cooldownMs?: number;
}

/** A lease as read back from the checkpoint. */
export interface RestoredLease {
  readonly key: LeaseKey;
  readonly ip: string;
  readonly allocatedAt: number;
  readonly metadata: PodMetadata;
}

export interface RestoreReport {
  readonly restored: number;
  /** Leases whose IP is on no attached ENI yet: kept (their IP is claimed when its ENI comes back). */
  readonly unbacked: readonly Lease[];
}

export class Datastore {
  readonly #clock: Clock;
  readonly #cooldownMs: number;
  readonly #enis = new Map<string, EniRecord>();
  /** ip -> eniId for every secondary IP of every attached ENI. */
  readonly #ipOwner = new Map<string, string>();
  readonly #leases = new Map<string, Lease>();

  constructor(options: DatastoreOptions) {
    const cooldownMs = options.cooldownMs ?? DEFAULT_IP_COOLDOWN_MS;
    if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
      throw new HarnessError("invalid-config", `ip cooldown: ${cooldownMs} ms is not a non-negative duration`);
    }
    this.#clock = options.clock;
    this.#cooldownMs = cooldownMs;
  }

  get cooldownMs(): number {
    return this.#cooldownMs;
  }

  /** Adds an attached ENI; IPs held by restored (unbacked) leases are claimed for them. */
  addEni(spec: EniSpec): EniInfo {
    if (this.#enis.has(spec.eniId)) throw new HarnessError("already-exists", `datastore: ENI ${spec.eniId} already added`);
    for (const rec of this.#enis.values()) {
      if (rec.spec.deviceNumber === spec.deviceNumber) {
        throw new HarnessError("already-exists", `datastore: device number ${spec.deviceNumber} already used by ${rec.spec.eniId}`);
      }
    }
    if (spec.isTrunk === true && spec.secondaryIps.length > 0) {
      throw new HarnessError("invalid-argument", `datastore: trunk ENI ${spec.eniId} must not carry pod IPs`);
    }
    for (const ip of spec.secondaryIps) {
      const owner = this.#ipOwner.get(ip);
      if (owner !== undefined) throw new HarnessError("already-exists", `datastore: IP ${ip} of ${spec.eniId} already on ${owner}`);
    }
    const ips = new Map<string, IpState>();
    for (const ip of spec.secondaryIps) ips.set(ip, FREE);
    const rec: EniRecord = { spec: freezeSpec(spec), attachedAt: this.#clock.now(), ips };
    this.#enis.set(spec.eniId, rec);
    for (const ip of spec.secondaryIps) this.#ipOwner.set(ip, spec.eniId);
    this.#claimUnbacked(rec);
    return this.#info(rec);
  }

  /** Removes an ENI that holds no lease (IPs in cooldown are dropped with it). */
  removeEni(eniId: string): void {
    const rec = this.#enis.get(eniId);
    if (rec === undefined) throw new HarnessError("not-found", `datastore: ENI ${eniId} is not attached`);
    const held = [...rec.ips.values()].filter((s) => s.kind === "assigned").length;
    if (held > 0) throw new HarnessError("conflict", `datastore: ENI ${eniId} still has ${held} assigned IPs`);
    for (const ip of rec.ips.keys()) this.#ipOwner.delete(ip);
    this.#enis.delete(eniId);
  }

  /** The lease of key (existing, or a new one on the lowest free IP of the lowest device). */
  assign(key: LeaseKey, metadata: PodMetadata): Assignment {
    const existing = this.#leases.get(leaseKeyString(key));
    if (existing !== undefined) return { lease: existing, created: false };
    const now = this.#clock.now();
    for (const rec of this.#sortedEnis()) {
      for (const [ip, state] of rec.ips) {
        if (!isAssignable(state, now)) continue;
        rec.ips.set(ip, { kind: "assigned", key: freezeKey(key) });
        const lease = this.#makeLease(key, ip, rec, now, metadata);
        this.#leases.set(leaseKeyString(key), lease);
        return { lease, created: true };
      }
    }
    throw noAvailableIp(key, this.#exhaustionDetails(now));
  }

  /** Ends key's lease; its IP waits out the cooldown before reuse. */
  release(key: LeaseKey): Lease {
    const lease = this.beginRelease(key);
    this.commitRelease(lease);
    return lease;
  }

  /**
   * Ends key's lease in memory while its release is being made durable: the IP is not handed out
   * again before commitRelease (then the cooldown, counted from now) or rollbackRelease.
   */
  beginRelease(key: LeaseKey): Lease {
    const id = leaseKeyString(key);
    const lease = this.#leases.get(id);
    if (lease === undefined) throw unknownPod(key);
    this.#leases.delete(id);
    const rec = lease.eniId === undefined ? undefined : this.#enis.get(lease.eniId);
    rec?.ips.set(lease.ip, { kind: "releasing", key: lease.key, since: this.#clock.now() });
    return lease;
  }

  /** The release is durable: the IP starts (or rather continues) its cooldown from beginRelease. */
  commitRelease(lease: Lease): void {
    const rec = lease.eniId === undefined ? undefined : this.#enis.get(lease.eniId);
    const state = rec?.ips.get(lease.ip);
    if (state?.kind !== "releasing" || leaseKeyString(state.key) !== leaseKeyString(lease.key)) return;
    rec?.ips.set(lease.ip, { kind: "cooldown", until: state.since + this.#cooldownMs });
  }

  /** Undoes an assign that created a lease (its write failed): the IP is free at once, no cooldown. */
  rollbackAssign(lease: Lease): void {
    const id = leaseKeyString(lease.key);
    if (this.#leases.get(id) !== lease) return;
    this.#leases.delete(id);
    const rec = lease.eniId === undefined ? undefined : this.#enis.get(lease.eniId);
    if (rec?.ips.has(lease.ip) === true) rec.ips.set(lease.ip, FREE);
  }

  /** Undoes a release (its write failed): the lease and its IP are back as before. */
  rollbackRelease(lease: Lease): void {
    const id = leaseKeyString(lease.key);
    if (this.#leases.has(id)) throw new HarnessError("internal", `datastore: cannot roll back release of ${id}: key leased again`);
    const rec = lease.eniId === undefined ? undefined : this.#enis.get(lease.eniId);
    const state = rec?.ips.get(lease.ip);
    if (state?.kind === "assigned") {
      throw new HarnessError("internal", `datastore: cannot roll back release of ${id}: ${lease.ip} reassigned`);
    }
    rec?.ips.set(lease.ip, { kind: "assigned", key: lease.key });
    this.#leases.set(id, lease);
  }

  /**
   * Puts checkpointed leases back (at start, after the ENIs known so far were added). All or
   * nothing: a key or IP leased twice (or already leased here) throws before anything changes.
   */
  restore(leases: readonly RestoredLease[]): RestoreReport {
    const keys = new Set(this.#leases.keys());
    const ips = new Set([...this.#leases.values()].map((l) => l.ip));
    for (const r of leases) {
      const id = leaseKeyString(r.key);
      if (keys.has(id)) throw new HarnessError("conflict", `datastore: restore: ${id} leased twice`);
      if (ips.has(r.ip)) throw new HarnessError("conflict", `datastore: restore: ${r.ip} leased twice`);
      keys.add(id);
      ips.add(r.ip);
    }
    const unbacked: Lease[] = [];
    for (const r of leases) {
      const eniId = this.#ipOwner.get(r.ip);
      const rec = eniId === undefined ? undefined : this.#enis.get(eniId);
      rec?.ips.set(r.ip, { kind: "assigned", key: freezeKey(r.key) });
      const lease = this.#makeLease(r.key, r.ip, rec, r.allocatedAt, r.metadata);
      this.#leases.set(leaseKeyString(r.key), lease);
      if (rec === undefined) unbacked.push(lease);
    }
    return { restored: leases.length, unbacked };
  }

  lookup(key: LeaseKey): Lease | undefined {
    return this.#leases.get(leaseKeyString(key));
  }

  leases(): Lease[] {
    return [...this.#leases.values()];
  }

  enis(): EniInfo[] {
    return this.#sortedEnis(true).map((rec) => this.#info(rec));
  }

  eni(eniId: string): EniInfo | undefined {
    const rec = this.#enis.get(eniId);
    return rec === undefined ? undefined : this.#info(rec);
  }

  stats(): DatastoreStats {
    const now = this.#clock.now();
    let totalIps = 0;
    let assignedIps = 0;
    let cooldownIps = 0;
    let enis = 0;
    let trunkAttached = false;
    for (const rec of this.#enis.values()) {
      if (rec.spec.isTrunk === true) {
        trunkAttached = true;
        continue;
      }
      enis++;
      for (const state of rec.ips.values()) {
        totalIps++;
        if (state.kind === "assigned") assignedIps++;
        else if (state.kind === "releasing" || (state.kind === "cooldown" && state.until > now)) cooldownIps++;
      }
    }
    const unbackedLeases = [...this.#leases.values()].filter((l) => l.eniId === undefined).length;
    return { totalIps, assignedIps: assignedIps + unbackedLeases, cooldownIps, unbackedLeases, enis, trunkAttached };
  }

  #sortedEnis(includeTrunk = false): EniRecord[] {
    return [...this.#enis.values()]
      .filter((r) => includeTrunk || r.spec.isTrunk !== true)
      .sort((a, b) => a.spec.deviceNumber - b.spec.deviceNumber);
  }

  #makeLease(key: LeaseKey, ip: string, rec: EniRecord | undefined, at: number, metadata: PodMetadata): Lease {
    const deviceNumber = rec?.spec.deviceNumber ?? -1;
    return Object.freeze({
      key: freezeKey(key),
      ip,
      eniId: rec?.spec.eniId,
      deviceNumber,
      routeTableId: rec === undefined ? 0 : routeTableFor(deviceNumber),
      allocatedAt: at,
      metadata: Object.freeze({ ...metadata }),
    });
  }

  #claimUnbacked(rec: EniRecord): void {
    for (const [id, lease] of this.#leases) {
      if (lease.eniId !== undefined || !rec.ips.has(lease.ip)) continue;
      rec.ips.set(lease.ip, { kind: "assigned", key: lease.key });
      this.#leases.set(id, this.#makeLease(lease.key, lease.ip, rec, lease.allocatedAt, lease.metadata));
    }
  }

  #exhaustionDetails(now: number): string {
    const s = this.stats();
    let soonest = Number.POSITIVE_INFINITY;
    let releasing = 0;
    for (const rec of this.#enis.values()) {
      for (const st of rec.ips.values()) {
        if (st.kind === "cooldown" && st.until > now) soonest = Math.min(soonest, st.until);
        if (st.kind === "releasing") releasing++;
      }
    }
    const cooling = Number.isFinite(soonest) ? `, ${s.cooldownIps - releasing} in cooldown (first free in ${soonest - now} ms)` : "";
    const pending = releasing > 0 ? `, ${releasing} being released` : "";
    return `${s.enis} ENIs, ${s.totalIps} IPs, ${s.assignedIps - s.unbackedLeases} assigned${cooling}${pending}`;
  }

  #info(rec: EniRecord): EniInfo {
    const isTrunk = rec.spec.isTrunk === true;
    return Object.freeze({
      ...rec.spec,
      isPrimary: rec.spec.deviceNumber === 0,
      isTrunk,
      routeTableId: routeTableFor(rec.spec.deviceNumber),
      attachedAt: rec.attachedAt,
      ips: [...rec.ips].map(([ip, state]) => Object.freeze({ ip, state })),
    });
  }
}
