// Instances: RunInstances (the harness launches one per node: the instance and its primary
// interface at device 0, delete-on-termination), TerminateInstances (interfaces with
// delete-on-termination go with the instance, the others are detached), and the per-type network
// limits of DescribeInstanceTypes (common/limits.ts, docs/REFERENCE.md §4).

import { KNOWN_INSTANCE_TYPES, instanceLimits } from "../../common/limits.js";
import type { InstanceLimits } from "../../common/limits.js";
import { fault } from "./faults.js";
import { isWellFormedId } from "./ids.js";
import { once } from "./idempotency.js";
import type { Ec2Model } from "./model.js";
import { MAX_TERMINATED } from "./model.js";
import type { TagSpec } from "./tags.js";
import { tagsFor, toTags } from "./tags.js";
import type { EniRec, InstanceRec, InstanceStateName } from "./types.js";

/** At most this many instances per RunInstances call (a harness bound, far below EC2's quotas). */
export const MAX_RUN_COUNT = 20;

export interface RunInstancesRequest {
  readonly imageId: string;
  readonly instanceType: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly subnetId: string | undefined;
  readonly securityGroupIds: readonly string[];
  readonly privateIpAddress: string | undefined;
  readonly tagSpecifications: readonly TagSpec[];
  readonly clientToken: string | undefined;
}

export function limitsOf(instanceType: string): InstanceLimits {
  if (!KNOWN_INSTANCE_TYPES.includes(instanceType)) throw fault.badValue("InstanceType", instanceType, `Known types: ${KNOWN_INSTANCE_TYPES.join(", ")}.`);
  return instanceLimits(instanceType);
}

export function checkGroups(ids: readonly string[]): void {
  for (const id of ids) if (!isWellFormedId("sg", id)) throw fault.groupMalformed(id);
}

export function runInstances(m: Ec2Model, req: RunInstancesRequest): InstanceRec[] {
  return once(m, "RunInstances", req.clientToken, req, () => {
    const made = launch(m, req);
    return { result: made, ids: made.map((i) => i.instanceId) };
  }, (ids) => ids.map((id) => m.instance(id)));
}

function launch(m: Ec2Model, req: RunInstancesRequest): InstanceRec[] {
  if (!isWellFormedId("ami", req.imageId)) throw fault.amiMalformed(req.imageId);
  limitsOf(req.instanceType);
  if (req.minCount < 1) throw fault.badValue("MinCount", String(req.minCount), "It must be at least 1.");
  if (req.maxCount < req.minCount) throw fault.invalidValue(`MaxCount (${req.maxCount}) must be at least MinCount (${req.minCount})`);
  if (req.maxCount > MAX_RUN_COUNT) throw fault.badValue("MaxCount", String(req.maxCount), `This fake launches at most ${MAX_RUN_COUNT} instances per call.`);
  checkGroups(req.securityGroupIds);
  const subnetId = req.subnetId ?? [...m.subnets.keys()][0];
  if (subnetId === undefined) throw fault.missingParameter("SubnetId");
  m.subnet(subnetId);
  const instanceTags = tagsFor(req.tagSpecifications, "instance", ["instance", "network-interface"]);
  const eniTags = tagsFor(req.tagSpecifications, "network-interface", ["instance", "network-interface"]);
  let ips: string[];
  if (req.privateIpAddress !== undefined) {
    if (req.maxCount > 1) throw fault.combination("PrivateIpAddress can only be used with a single instance (MaxCount 1)");
    claimable(m, subnetId, req.privateIpAddress);
    ips = [req.privateIpAddress];
  } else {
    // EC2 launches as many as it can, but at least MinCount.
    const count = Math.min(req.maxCount, m.addresses.available(subnetId));
    if (count < req.minCount) throw fault.subnetFull(subnetId);
    ips = m.pickAddresses(subnetId, count);
  }
  const reservationId = m.newId("r");
  const groups = req.securityGroupIds.length > 0 ? [...req.securityGroupIds] : [m.vpc.defaultSecurityGroupId];
  return ips.map((ip) => {
    const instanceId = m.newId("i");
    const eni: EniRec = {
      eniId: m.newId("eni"), subnetId, macAddress: m.newMac(), interfaceType: "interface", description: "", groups: [...groups],
      ips: [ip], sourceDestCheck: true, tags: toTags(eniTags), createdAt: m.now(),
      attachment: { attachmentId: m.newId("eni-attach"), instanceId, deviceIndex: 0, deleteOnTermination: true, attachTime: m.now() },
    };
    m.addEni(eni);
    const inst: InstanceRec = {
      instanceId, reservationId, instanceType: req.instanceType, imageId: req.imageId, subnetId, primaryEniId: eni.eniId, privateIp: ip,
      groups, launchTime: m.now(), state: "running", stateChangedAt: m.now(), tags: toTags(instanceTags),
    };
    m.instances.set(instanceId, inst);
    return inst;
  });
}

/** An explicit address: a usable one of the subnet, held by nobody. */
export function claimable(m: Ec2Model, subnetId: string, ip: string): void {
  if (!m.addresses.usableIn(subnetId, ip)) {
    throw fault.invalidValue(`Address ${ip} does not fall within the subnet's usable address range (${m.subnetCidr(subnetId)})`);
  }
  if (m.addresses.ownerOf(ip) !== undefined) throw fault.addressInUse(ip);
}

export interface StateChange {
  readonly instanceId: string;
  readonly previous: InstanceStateName;
  readonly current: InstanceStateName;
}

export function terminateInstances(m: Ec2Model, ids: readonly string[]): StateChange[] {
  if (ids.length === 0) throw fault.missingParameter("InstanceId");
  const instances = ids.map((id) => m.instance(id));
  const changes = instances.map((inst) => {
    const previous = inst.state;
    if (previous === "running") terminate(m, inst);
    return { instanceId: inst.instanceId, previous, current: inst.state };
  });
  pruneTerminated(m);
  return changes;
}

function terminate(m: Ec2Model, inst: InstanceRec): void {
  for (const e of m.attachedTo(inst.instanceId)) {
    if (e.attachment?.deleteOnTermination === true) {
      m.removeEni(e);
    } else if (e.attachment !== undefined) {
      m.attachments.delete(e.attachment.attachmentId);
      e.attachment = undefined;
    }
  }
  inst.state = "terminated";
  inst.stateChangedAt = m.now();
}

function pruneTerminated(m: Ec2Model): void {
  const gone = [...m.instances.values()].filter((i) => i.state === "terminated").sort((a, b) => a.stateChangedAt - b.stateChangedAt);
  for (const i of gone.slice(0, Math.max(0, gone.length - MAX_TERMINATED))) m.instances.delete(i.instanceId);
}
