// A node's EC2 instance: found by its Name tag, or launched (RunInstances, tag Name=<node>), as the
// nodes of a real cluster exist in EC2 before their kubelet and ipamd start. Idempotent, so an
// `up` after a crash and kind's per-node init container reuse the instance they made before.

import type { Ec2Client } from "../../common/ec2/client.js";
import { HarnessError } from "../../common/errors.js";

export interface NodeInstance {
  readonly instanceId: string;
  readonly privateIp: string;
  /** The primary ENI's MAC: the node's uplink carries it, as an instance's eth0 does. */
  readonly mac: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  /** False when the instance existed already. */
  readonly launched: boolean;
}

export async function ensureInstance(ec2: Ec2Client, name: string, instanceType: string, signal?: AbortSignal): Promise<NodeInstance> {
  const found = await ec2.describeInstances({ filters: [{ name: "tag:Name", values: [name] }, { name: "instance-state-name", values: ["running"] }] }, signal);
  const launched = found.length === 0;
  const i = launched ? (await ec2.runInstances({ instanceType, tags: { Name: name } }, signal))[0] : found[0];
  const primary = i?.networkInterfaces.find((e) => e.deviceIndex === 0);
  if (i === undefined || primary === undefined) throw new HarnessError("internal", `EC2 answered no instance (or no primary interface) for node ${name}`);
  if (found.length > 1) throw new HarnessError("conflict", `${found.length} running instances are tagged Name=${name}: ${found.map((x) => x.instanceId).join(", ")}`);
  return { instanceId: i.instanceId, privateIp: i.privateIp, mac: primary.macAddress.toLowerCase(), availabilityZone: i.availabilityZone, instanceType: i.instanceType, launched };
}

/** The Node's spec.providerID, as the AWS cloud provider writes it. */
export function providerId(i: Pick<NodeInstance, "availabilityZone" | "instanceId">): string {
  return `aws:///${i.availabilityZone}/${i.instanceId}`;
}
