// A Dataplane that records what it is asked and keeps an in-memory picture of the pods it set up:
// the fake for verb tests, and the `"dataplane": "none"` mode (non-root runs), which logs what the
// real dataplane would do. Failures can be injected per operation.
import { CniCode, CniError } from "../cni/errors.js";
import { containerMac, hostVethMac } from "./mac.js";
import { vlanLinkName } from "./names.js";
import type { Dataplane, PodInterfaces, PodNetworkSpec, TeardownSpec } from "./types.js";

export type DataplaneOp = "setup" | "teardown" | "check";

export type DataplaneCall =
  | { op: "setup"; spec: PodNetworkSpec }
  | { op: "teardown"; spec: TeardownSpec }
  | { op: "check"; spec: PodNetworkSpec };

export interface RecordingOptions {
  /** Where "would do" lines go (the plugin log in `dataplane: none` mode). */
  log?: { info(msg: string, fields?: Record<string, unknown>): void };
  /**
   * CHECK passes for pods this instance did not set up (the none mode: each invocation is a new
   * process with nothing recorded, and there is nothing real to verify).
   */
  acceptChecks?: boolean;
}

export class RecordingDataplane implements Dataplane {
  readonly calls: DataplaneCall[] = [];
  /** Pods set up and not torn down, keyed by host veth name (unique per pod on a node). */
  readonly pods = new Map<string, PodNetworkSpec>();
  readonly #failures = new Map<DataplaneOp, unknown[]>();
  readonly #log: RecordingOptions["log"];
  readonly #acceptChecks: boolean;

  constructor(opts: RecordingOptions = {}) {
    this.#log = opts.log;
    this.#acceptChecks = opts.acceptChecks ?? false;
  }

  /** The next `op` throws `error` (queued: call several times to fail several calls). */
  failNext(op: DataplaneOp, error: unknown): this {
    const q = this.#failures.get(op) ?? [];
    q.push(error);
    this.#failures.set(op, q);
    return this;
  }

  #maybeFail(op: DataplaneOp): void {
    const q = this.#failures.get(op);
    if (q !== undefined && q.length > 0) throw q.shift();
  }

  async setup(spec: PodNetworkSpec, signal: AbortSignal): Promise<PodInterfaces> {
    signal.throwIfAborted();
    this.calls.push({ op: "setup", spec });
    this.#maybeFail("setup");
    // Spec 1.0.0: ADD must fail when the interface already exists.
    for (const p of this.pods.values()) {
      if (p.netns === spec.netns && p.ifName === spec.ifName) {
        throw new CniError(CniCode.Generic, `setup: interface "${spec.ifName}" already exists in "${spec.netns}"`);
      }
    }
    this.pods.set(spec.hostVethName, spec);
    this.#log?.info("dataplane none: would set up pod network", { ...describe(spec) });
    const out: PodInterfaces = {
      hostVeth: { name: spec.hostVethName, mac: hostVethMac(spec.hostVethName) },
      container: { name: spec.ifName, mac: containerMac(spec.containerId, spec.ifName), sandbox: spec.netns },
    };
    if (spec.branch !== undefined) out.vlan = { name: vlanLinkName(spec.branch.vlanId), mac: spec.branch.eniMac ?? "", kind: "vlan" };
    return out;
  }

  async teardown(spec: TeardownSpec, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.calls.push({ op: "teardown", spec });
    this.#maybeFail("teardown");
    this.pods.delete(spec.hostVethName);
    this.#log?.info("dataplane none: would tear down pod network", { ...spec });
  }

  async check(spec: PodNetworkSpec, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.calls.push({ op: "check", spec });
    this.#maybeFail("check");
    const have = this.pods.get(spec.hostVethName);
    if (have === undefined && this.#acceptChecks) {
      this.#log?.info("dataplane none: nothing to check", { hostVeth: spec.hostVethName });
      return;
    }
    if (have === undefined) {
      throw new CniError(CniCode.Generic, `check: host veth "${spec.hostVethName}" not found`);
    }
    if (have.ipv4 !== spec.ipv4 || have.netns !== spec.netns || have.ifName !== spec.ifName) {
      throw new CniError(CniCode.Generic, `check: pod network differs from prevResult`, {
        details: `configured ${have.ipv4} on ${have.ifName} in ${have.netns}; prevResult says ${spec.ipv4} on ${spec.ifName} in ${spec.netns}`,
      });
    }
  }

  /** Operations recorded so far, e.g. ["setup", "teardown"]. */
  ops(): DataplaneOp[] {
    return this.calls.map((c) => c.op);
  }
}

function describe(spec: PodNetworkSpec): Record<string, unknown> {
  return {
    netns: spec.netns,
    ifName: spec.ifName,
    hostVeth: spec.hostVethName,
    ipv4: `${spec.ipv4}/32`,
    mtu: spec.mtu,
    routeTable: spec.routeTable,
    branch: spec.branch === undefined ? undefined : { ...spec.branch, link: vlanLinkName(spec.branch.vlanId) },
  };
}
