// ipamd's EC2 side in cluster mode, the calls the real ipamd makes (docs/REFERENCE.md §9,
// awsutils.go): find this node's instance and its interfaces (DescribeInstances,
// DescribeNetworkInterfaces, DescribeSubnets, DescribeVpcs) — the primary ENI, the ordinary ENIs
// attached, and the trunk the controller attached — and an EniAttacher for the warm pool
// (CreateNetworkInterface + AttachNetworkInterface + delete-on-termination; Detach + Delete).

import type { Clock } from "../clock.js";
import { systemClock } from "../clock.js";
import { HarnessError } from "../errors.js";
import type { Ec2Client } from "./client.js";
import { isEc2Error } from "./errors.js";
import type { Ec2Eni, Ec2Instance } from "./types.js";

/** An attached ordinary ENI as ipamd's datastore takes it (ipamd/warmpool AttachedEni). */
export interface AttachedEniView {
  readonly eniId: string;
  readonly mac: string;
  readonly deviceNumber: number;
  readonly subnetCidr: string;
  /** The ENI's primary address first, then its secondary addresses. */
  readonly ips: string[];
}

export interface NodeEc2 {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly subnetCidr: string;
  readonly vpcId: string;
  readonly vpcCidrs: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** Device 0. */
  readonly primaryEni: AttachedEniView;
  /** Every attached ordinary ENI (the primary included), by device index. */
  readonly enis: readonly AttachedEniView[];
  /** The trunk ENI the controller attached, if any. */
  readonly trunk: { readonly eniId: string; readonly mac: string; readonly deviceNumber: number } | undefined;
}

/** The tag the harness names instances by (RunInstances with Name=<node name>, as eksctl's node groups do). */
export const NODE_NAME_TAG = "Name";

/** The node's running instance, by id or by its Name tag. */
export async function findInstance(client: Ec2Client, who: { instanceId: string } | { nodeName: string }, signal?: AbortSignal): Promise<Ec2Instance> {
  const found = "instanceId" in who
    ? await client.describeInstances({ instanceIds: [who.instanceId] }, signal)
    : await client.describeInstances({ filters: [{ name: `tag:${NODE_NAME_TAG}`, values: [who.nodeName] }, { name: "instance-state-name", values: ["running"] }] }, signal);
  const what = "instanceId" in who ? `instance ${who.instanceId}` : `a running instance tagged ${NODE_NAME_TAG}=${who.nodeName}`;
  const running = found.filter((i) => i.state === "running");
  if (running.length === 0) throw new HarnessError("not-found", `EC2 has no ${what}`);
  if (running.length > 1) throw new HarnessError("conflict", `EC2 has ${running.length} of ${what}: ${running.map((i) => i.instanceId).join(", ")}`);
  return running[0] as Ec2Instance;
}

function view(e: Ec2Eni, subnetCidr: string): AttachedEniView {
  return { eniId: e.eniId, mac: e.macAddress, deviceNumber: e.attachment?.deviceIndex ?? -1, subnetCidr, ips: e.privateIps.map((p) => p.ip) };
}

export async function discoverNode(client: Ec2Client, who: { instanceId: string } | { nodeName: string }, signal?: AbortSignal): Promise<NodeEc2> {
  const inst = await findInstance(client, who, signal);
  const enis = await client.describeNetworkInterfaces({ filters: [{ name: "attachment.instance-id", values: [inst.instanceId] }] }, signal);
  const subnetIds = [...new Set([inst.subnetId, ...enis.map((e) => e.subnetId)])];
  const subnets = new Map((await client.describeSubnets({ subnetIds }, signal)).map((s) => [s.subnetId, s.cidr]));
  const [vpc] = await client.describeVpcs([inst.vpcId], signal);
  const cidrOf = (subnetId: string): string => subnets.get(subnetId) ?? "";
  const byDevice = [...enis].sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
  const ordinary = byDevice.filter((e) => e.interfaceType === "interface").map((e) => view(e, cidrOf(e.subnetId)));
  const primary = ordinary.find((e) => e.deviceNumber === 0);
  if (primary === undefined) throw new HarnessError("internal", `EC2 reply: instance ${inst.instanceId} has no interface at device index 0`);
  const trunk = byDevice.find((e) => e.interfaceType === "trunk");
  return {
    instanceId: inst.instanceId, instanceType: inst.instanceType, availabilityZone: inst.availabilityZone,
    subnetId: inst.subnetId, subnetCidr: cidrOf(inst.subnetId), vpcId: inst.vpcId, vpcCidrs: vpc?.cidrs ?? [],
    securityGroupIds: inst.securityGroupIds, primaryEni: primary, enis: ordinary,
    trunk: trunk === undefined ? undefined : { eniId: trunk.eniId, mac: trunk.macAddress, deviceNumber: trunk.attachment?.deviceIndex ?? -1 },
  };
}

export interface SdkEniAttacher {
  attachEni(signal?: AbortSignal): Promise<AttachedEniView>;
  detachEni(eniId: string, signal?: AbortSignal): Promise<void>;
}

export interface AttacherNode {
  readonly instanceId: string;
  readonly subnetId: string;
  readonly subnetCidr: string;
  readonly securityGroupIds: readonly string[];
}

/**
 * ipamd's ENI allocation (awsutils.go AllocENI / FreeENI). ipsPerEni counts the ENI's primary
 * address (instanceLimits(t).ipv4PerEni): each ENI comes with ipsPerEni - 1 secondary addresses.
 */
export function createSdkEniAttacher(client: Ec2Client, node: AttacherNode, opts: { ipsPerEni: number; clock?: Clock }): SdkEniAttacher {
  const clock = opts.clock ?? systemClock;
  // One ENI change at a time per node (ipamd holds its lock around AllocENI): two attaches at once
  // would pick the same free device index.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    attachEni: (signal) => serial(async () => {
      // The lowest device index free on the instance, from EC2's view of it.
      const inst = await findInstance(client, { instanceId: node.instanceId }, signal);
      const used = new Set(inst.networkInterfaces.map((n) => n.deviceIndex));
      let deviceIndex = 1;
      while (used.has(deviceIndex)) deviceIndex++;
      const eni = await client.createNetworkInterface({
        subnetId: node.subnetId, description: `aws-K8S-${node.instanceId}`, securityGroupIds: node.securityGroupIds,
        secondaryIpCount: Math.max(0, opts.ipsPerEni - 1), tags: { "node.k8s.amazonaws.com/instance_id": node.instanceId },
      }, signal);
      let attachmentId: string;
      try {
        attachmentId = (await client.attachNetworkInterface({ eniId: eni.eniId, instanceId: node.instanceId, deviceIndex }, signal)).attachmentId;
      } catch (e) {
        // ipamd deletes an ENI it could not attach, so it does not leak.
        await client.deleteNetworkInterface(eni.eniId).catch(() => undefined);
        throw e;
      }
      try {
        await client.setDeleteOnTermination({ eniId: eni.eniId, attachmentId, deleteOnTermination: true }, signal);
      } catch (e) {
        await client.detachNetworkInterface({ attachmentId }).then(() => client.deleteNetworkInterface(eni.eniId)).catch(() => undefined);
        throw e;
      }
      return { eniId: eni.eniId, mac: eni.macAddress, deviceNumber: deviceIndex, subnetCidr: node.subnetCidr, ips: eni.privateIps.map((p) => p.ip) };
    }),
    detachEni: (eniId, signal) => serial(async () => {
      const [eni] = await client.describeNetworkInterfaces({ eniIds: [eniId] }, signal);
      if (eni?.attachment !== undefined) await client.detachNetworkInterface({ attachmentId: eni.attachment.attachmentId }, signal);
      // EC2 detaches asynchronously: a delete right after may still find it in use.
      for (let attempt = 1; ; attempt++) {
        try {
          await client.deleteNetworkInterface(eniId, signal);
          return;
        } catch (e) {
          if (!isEc2Error(e) || e.code !== "InvalidNetworkInterface.InUse" || attempt >= 5) throw e;
          await clock.sleep(200 * attempt, signal);
        }
      }
    }),
  };
}
