// What the daemon needs from "the cluster" whichever mode it runs in: the seam, this node's
// instance type and ENIs as EC2 has them, the trunk (asked for through the CNINode), an EC2 path
// for the warm pool, and, in memory mode only, the embedded controller's knobs and records.

import type { ClusterClient } from "../../cluster/client/index.js";
import type { ObjectStore } from "../../cluster/store/index.js";
import type { ControllerFaults, NetworkInterface, ProvisioningDelay, ProvisioningRecord } from "../../controller/index.js";
import type { EniAttacher } from "../warmpool/index.js";

/** An ENI of this node as EC2 reports it. */
export interface NodeEni {
  eniId: string;
  mac: string;
  deviceNumber: number;
  subnetCidr: string;
  /** The primary address first. */
  privateIps: readonly string[];
}

/** The fake controller when it runs in this process (memory mode): its knobs and records. */
export interface EmbeddedController {
  setProvisioningDelay(d: ProvisioningDelay): ProvisioningDelay;
  getProvisioningDelay(): ProvisioningDelay;
  setFaults(f: Partial<ControllerFaults>): ControllerFaults;
  provisioningRecords(): readonly ProvisioningRecord[];
}

export interface ClusterSide {
  readonly mode: "memory" | "kube";
  readonly cluster: ClusterClient;
  readonly nodeName: string;
  /** kube: this node's EC2 instance (found by its Name tag); memory: undefined (in-process fake EC2). */
  readonly instanceId: string | undefined;
  /** memory: the embedded object store (e.g. to serve it over HTTP); kube: undefined. */
  readonly store: ObjectStore | undefined;
  /** memory: the config's; kube: the Node's node.kubernetes.io/instance-type label. */
  readonly instanceType: string;
  /** The primary ENI with the secondary addresses the datastore hands out. */
  readonly primary: NodeEni;
  /** CNINode feature, the controller's answer, then the trunk as EC2 has it. */
  askForTrunk(): Promise<NodeEni>;
  attacher(ipsPerEni: number): EniAttacher;
  /** A pod first seen at its ADD is created and bound (memory mode only: the cnitool case). */
  readonly adoptPods: boolean;
  readonly controller: EmbeddedController | undefined;
  ec2Calls(): readonly { action: string; errorCode: string; startedAt: number; endedAt: number }[];
  branchEnis(): readonly NetworkInterface[];
  stop(): void;
}
