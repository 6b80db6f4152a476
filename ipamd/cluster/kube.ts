// `mock-ipamd --cluster kube`: one node of a cluster, as aws-node runs (docs/REFERENCE.md §8). The
// Kubernetes API through the seam's kube backend (--kubeconfig or the in-cluster service account),
// EC2 through the SDK client (--ec2-endpoint). It waits for its Node (the kubelet registers it) and
// takes the instance type from its label, finds its instance and ENIs in EC2 (the Name tag), and
// asks for a trunk through its CNINode. No other cluster state is kept in memory: pods come from
// the informer, ENIs from EC2.

import { createKubeCluster } from "../../cluster/client/kube/index.js";
import type { Clock } from "../../common/clock.js";
import { createEc2Client } from "../../common/ec2/client.js";
import type { Ec2ClientOptions } from "../../common/ec2/sdk.js";
import { createSdkEniAttacher, discoverNode } from "../../common/ec2/node.js";
import type { AttachedEniView } from "../../common/ec2/node.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { instanceLimits } from "../../common/limits.js";
import type { ClusterMode, IpamdConfig } from "../config/index.js";
import type { Logger } from "../log.js";
import { markCniNode, trunkReady, waitForNode } from "./node.js";
import type { ClusterSide, NodeEni } from "./side.js";

/** How long ipamd waits for its Node object and for the trunk ENI. */
export const NODE_WAIT_MS = 5 * 60_000;

/**
 * aws-node's EC2 client: the SDK's standard retryer with 10 attempts per call (aws-vpc-cni
 * `pkg/awsutils/awssession/session.go`, docs/REFERENCE.md §9), so a node started while the account's
 * bucket is empty (every node and the controller at once) waits its turn instead of failing. The
 * deadline covers all attempts and their jittered back-off.
 */
export function ipamdEc2Options(endpoint: string, nodeName: string): Ec2ClientOptions {
  return { endpoint, accessKeyId: `aws-node-${nodeName}`, maxAttempts: 10, callTimeoutMs: 60_000 };
}

const view = (e: AttachedEniView): NodeEni => ({ eniId: e.eniId, mac: e.mac, deviceNumber: e.deviceNumber, subnetCidr: e.subnetCidr, privateIps: e.ips });

export async function startKubeSide(config: IpamdConfig, mode: Extract<ClusterMode, { mode: "kube" }>, log: Logger, clock: Clock): Promise<ClusterSide> {
  const nodeName = config.node.name;
  const cluster = createKubeCluster({
    ...(mode.kubeconfig === undefined ? {} : { kubeconfig: mode.kubeconfig }),
    clock, userAgent: `aws-node/${nodeName}`, qps: 10, burst: 20,
    log: (level, msg, fields) => log[level](fields, msg),
  });
  const client = createEc2Client(ipamdEc2Options(mode.ec2Endpoint, nodeName), clock);
  log.info({ server: cluster.server, ec2: mode.ec2Endpoint }, `waiting for the Node ${nodeName}`);
  const node = await waitForNode(cluster, clock, nodeName, (n) => n !== undefined, NODE_WAIT_MS, "its Node object (the kubelet registers it)");
  if (node.instanceType === "") throw new HarnessError("invalid-config", `Node ${nodeName} has no node.kubernetes.io/instance-type label`);
  const limits = instanceLimits(node.instanceType);
  const ec2 = await discoverNode(client, { nodeName });
  // The primary ENI's secondary addresses, as ipamd assigns them at start (awsutils.go).
  const primary = { ...ec2.primaryEni };
  const missing = limits.ipv4PerEni - primary.ips.length;
  if (missing > 0) primary.ips = [...primary.ips, ...(await client.assignPrivateIpAddresses({ eniId: primary.eniId, count: missing }))];
  log.info({ instanceId: ec2.instanceId, instanceType: node.instanceType, primaryEni: primary.eniId }, "found the instance in EC2");
  return {
    mode: "kube", cluster, nodeName, instanceId: ec2.instanceId, store: undefined, instanceType: node.instanceType, primary: view(primary), adoptPods: false, controller: undefined,
    async askForTrunk() {
      await markCniNode(cluster, clock, nodeName);
      await waitForNode(cluster, clock, nodeName, trunkReady, NODE_WAIT_MS, "the trunk ENI (has-trunk-attached and pod-eni capacity from the controller)");
      const again = await discoverNode(client, { nodeName });
      const t = again.trunk;
      if (t === undefined) throw new HarnessError("internal", `node ${nodeName} is labelled with a trunk but EC2 shows none on ${again.instanceId}`);
      return { eniId: t.eniId, mac: t.mac, deviceNumber: t.deviceNumber, subnetCidr: ec2.subnetCidr, privateIps: [] };
    },
    attacher(ipsPerEni) {
      const a = createSdkEniAttacher(client, ec2, { ipsPerEni, clock });
      return {
        attachEni: async (signal) => {
          const e = await a.attachEni(signal);
          return { eniId: e.eniId, mac: e.mac, deviceNumber: e.deviceNumber, subnetCidr: e.subnetCidr, ips: e.ips };
        },
        detachEni: (eniId, signal) => a.detachEni(eniId, signal),
      };
    },
    ec2Calls: () => client.callLog(),
    branchEnis: () => [],
    stop() {
      try {
        client.destroy();
      } catch (e) {
        log.warn({ err: errorMessage(e) }, "closing the EC2 client");
      }
    },
  };
}
