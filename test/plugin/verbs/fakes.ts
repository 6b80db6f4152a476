// Hand-written fakes for verb tests: a small in-memory ipamd shaped like IpamdClient (leases keyed
// like the real datastore, branch pods pending or ready, injectable failures) and a dispatcher runner.
import { addReply } from "../../../ipamd/backend/replies.js";
import type { AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../../proto/rpc.js";
import { FakeClock } from "../../../common/clock.js";
import { createLogger } from "../../../plugin/cni/log.js";
import { runPlugin } from "../../../plugin/cni/skel.js";
import { GrpcStatus, IpamdError, type AddNetworkOutcome, type IpamdClient } from "../../../plugin/client/types.js";
import { RecordingDataplane } from "../../../plugin/dataplane/recording.js";
import { bindVerbs } from "../../../plugin/verbs/bind.js";
import { MemoryAttachmentStore } from "../../../plugin/verbs/state.js";
import type { VerbDeps } from "../../../plugin/verbs/types.js";

export interface BranchEni {
  vlanId: number;
  mac: string;
  gateway: string;
  parentIfIndex: number;
}

/** Replies with proto3 defaults, as the real daemon's Go structs: the daemon's own builder. */
export { addReply };

export class FakeIpamd implements IpamdClient {
  readonly address = "unix:///run/fake-ipamd/ipamd.sock";
  readonly addCalls: AddNetworkRequest[] = [];
  readonly delCalls: DelNetworkRequest[] = [];
  readonly healthCalls: string[] = [];
  /** Live leases: "network/container/ifname" -> ipv4. */
  readonly leases = new Map<string, string>();
  /** Pods (ns/name) that need a branch ENI: "pending" until the controller "annotates" them. */
  readonly branch = new Map<string, BranchEni | "pending">();
  /** When set, every call fails with this (e.g. unreachable()). */
  down: IpamdError | undefined;
  serving = true;
  deviceNumber = 0;
  #next = 10;

  static unreachable(): IpamdError {
    return new IpamdError("/rpc.CNIBackend/AddNetwork", "unix:///run/fake-ipamd/ipamd.sock", GrpcStatus.UNAVAILABLE, "No connection established");
  }

  async addNetwork(req: AddNetworkRequest): Promise<AddNetworkOutcome> {
    this.addCalls.push(req);
    if (this.down !== undefined) throw this.down;
    const br = this.branch.get(`${req.K8S_POD_NAMESPACE}/${req.K8S_POD_NAME}`);
    if (br === "pending") {
      return { ...addReply({}), note: { reason: "branch-eni-not-ready", details: "provisioning for 0.4s" } };
    }
    if (br !== undefined) {
      return addReply({
        Success: true,
        IPAllocationMetadata: [{ IPv4Addr: "10.1.2.3", IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 }],
        PodVlanId: br.vlanId,
        PodENIMAC: br.mac,
        PodENISubnetGW: br.gateway,
        ParentIfIndex: br.parentIfIndex,
      });
    }
    const key = `${req.NetworkName}/${req.ContainerID}/${req.IfName}`;
    const ip = this.leases.get(key) ?? `10.0.0.${this.#next++}`;
    this.leases.set(key, ip);
    const d = this.deviceNumber;
    return addReply({ Success: true, IPAllocationMetadata: [{ IPv4Addr: ip, IPv6Addr: "", DeviceNumber: d, RouteTableId: d + 1 }] });
  }

  async delNetwork(req: DelNetworkRequest): Promise<DelNetworkReply> {
    this.delCalls.push(req);
    if (this.down !== undefined) throw this.down;
    const key = `${req.NetworkName}/${req.ContainerID}/${req.IfName}`;
    const ip = this.leases.get(key);
    if (ip === undefined) {
      throw new IpamdError("/rpc.CNIBackend/DelNetwork", this.address, GrpcStatus.UNKNOWN, "datastore: unknown pod");
    }
    this.leases.delete(key);
    const d = this.deviceNumber;
    return { Success: true, IPAllocationMetadata: [{ IPv4Addr: ip, IPv6Addr: "", DeviceNumber: d, RouteTableId: d + 1 }], PodVlanId: 0, NetworkPolicyMode: "" };
  }

  async isServing(service: string): Promise<boolean> {
    this.healthCalls.push(service);
    if (this.down !== undefined) throw this.down;
    return this.serving;
  }

  close(): void {}
}

export interface World {
  ipamd: FakeIpamd;
  dataplane: RecordingDataplane;
  store: MemoryAttachmentStore;
  clock: FakeClock;
  logs: string[];
}

export function newWorld(): World {
  return { ipamd: new FakeIpamd(), dataplane: new RecordingDataplane(), store: new MemoryAttachmentStore(), clock: new FakeClock(), logs: [] };
}

export interface Invocation {
  command: string;
  conf?: unknown;
  /** Overrides of the default env; undefined values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Raw stdin instead of JSON.stringify(conf). */
  stdin?: string;
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document, or undefined when empty. */
  json: Record<string, unknown> | undefined;
}

export const POD_ARGS = "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=c0ffee;K8S_POD_UID=uid-1";

export function baseEnv(command: string): Record<string, string> {
  return { CNI_COMMAND: command, CNI_CONTAINERID: "c0ffee", CNI_NETNS: "/var/run/netns/pod1", CNI_IFNAME: "eth0", CNI_ARGS: POD_ARGS, CNI_PATH: "/opt/cni/bin" };
}

export function netconf(cniVersion: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { cniVersion, name: "aws-cni", type: "mock-vpc-cni", ...extra };
}

/** Runs the real dispatcher and verbs in-process with the world's fakes. */
export async function invoke(w: World, inv: Invocation): Promise<Outcome> {
  const env: Record<string, string | undefined> = { ...baseEnv(inv.command), ...inv.env };
  let stdout = "";
  let stderr = "";
  const verbs = bindVerbs(async (_conf, log) => {
    const deps: VerbDeps = { ipamd: w.ipamd, dataplane: w.dataplane, store: w.store, clock: w.clock, log };
    return { deps, close: () => {} };
  });
  const code = await runPlugin(
    {
      env,
      readStdin: async () => inv.stdin ?? JSON.stringify(inv.conf ?? {}),
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      openLog: (conf) => createLogger(conf.pluginLogLevel, (l) => void w.logs.push(l)),
    },
    verbs,
  );
  const trimmed = stdout.trim();
  return { code, stdout, stderr, json: trimmed === "" ? undefined : (JSON.parse(trimmed) as Record<string, unknown>) };
}
