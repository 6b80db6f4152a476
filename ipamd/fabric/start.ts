// The fabric as mock-ipamd runs it in cluster mode: fed by mock-ec2's routing view at the EC2
// endpoint ipamd already uses, applied to the node's own network namespace (the daemon's).

import { createEc2HarnessClient } from "../../common/ec2/harness.js";
import { procSysctl, spawnIp } from "./netlink.js";
import type { Fabric, FabricLog } from "./reconciler.js";
import { createFabric } from "./reconciler.js";
import { ec2FabricSource } from "./source.js";
import { linkName } from "./values.js";

export interface NodeFabricOptions {
  /** mock-ec2's endpoint (--ec2-endpoint). */
  readonly ec2Endpoint: string;
  /** This node's instance (found by its Name tag at start-up). */
  readonly instanceId: string;
  /** The node's link into the VPC (--fabric-uplink, default eth0). */
  readonly uplink: string;
  /** The trunk host link's peer once the trunk is attached (hostLinks.get(trunk).peerName). */
  readonly trunkPeer: () => string | undefined;
  readonly log: FabricLog;
}

export function startNodeFabric(o: NodeFabricOptions): Fabric {
  const uplink = linkName(o.uplink, "--fabric-uplink");
  const f = createFabric({
    source: ec2FabricSource(createEc2HarnessClient(o.ec2Endpoint)),
    ip: spawnIp(), sysctl: procSysctl, log: o.log,
    self: () => {
      const peer = o.trunkPeer();
      return { instanceId: o.instanceId, uplink, ...(peer === undefined ? {} : { trunkPeer: linkName(peer, "trunk link") }) };
    },
  });
  f.start();
  return f;
}
