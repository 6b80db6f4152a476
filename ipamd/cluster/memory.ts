// `mock-ipamd --cluster memory` (the default): the whole cluster side in this process, as the
// standalone daemon always had it: the object store behind the seam's memory backend, the fake
// VPC resource controller (with its fake EC2) on that seam, its SGP webhook as the store's admission
// hook, the SecurityGroupPolicies of the config, and the parts a kubelet and EC2 play for this node
// (the instance launched, the Node registered). ipamd itself still reaches it only through the seam
// (pods, nodes, CNINodes, events) and EC2.

import { createMemoryCluster, recordScheduling, recorderFor, registerNode } from "../../cluster/client/index.js";
import { buildSgp, sgpFromSimple } from "../../cluster/k8s/index.js";
import { createObjectStore } from "../../cluster/store/index.js";
import type { Clock } from "../../common/clock.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { instanceLimits, maxPods } from "../../common/limits.js";
import { EVENT_SOURCE } from "../../common/names.js";
import { createController, createSeededRng } from "../../controller/index.js";
import type { IpamdConfig } from "../config/index.js";
import type { Logger } from "../log.js";
import { markCniNode, trunkReady, waitForNode } from "./node.js";
import type { ClusterSide } from "./side.js";

/** How long ipamd waits for the controller to attach its trunk ENI at start-up. */
export const TRUNK_WAIT_MS = 60_000;

export async function startMemorySide(config: IpamdConfig, log: Logger, clock: Clock): Promise<ClusterSide> {
  // keepClientUid: the control API's CreatePod{uid} (containerd tests pass K8S_POD_UID = that uid).
  const store = createObjectStore({ clock, keepClientUid: true, onWatchError: (e) => log.error({ err: errorMessage(e) }, "cluster watcher failed") });
  const cluster = createMemoryCluster(store, { autoCreateNamespaces: true, onInvalid: (e) => log.warn({ err: errorMessage(e) }, "skipping an object that does not parse") });
  const controller = createController(
    { clock, cluster, rng: createSeededRng(config.seed), log: (level, msg, fields) => log[level]({ component: "vpc-resource-controller", ...fields }, msg) },
    {
      provisioningDelay: config.provisioningDelay,
      cooldownMs: config.branchCooldownMs,
      faults: config.faults,
      ec2: { ...config.ec2, primarySubnetCidr: config.node.subnetCidr, branchSubnetCidr: config.node.branchSubnetCidr },
    },
  );
  const hook = controller.admissionHook();
  store.addAdmissionHook({ group: "", plural: "pods" }, (op, object) => hook(op, object));
  // default-scheduler's Scheduled events (the control API's CreatePod{schedule}, pods first seen
  // at their ADD), watching before the controller so the event comes first, as on a real cluster.
  const scheduling = recordScheduling(cluster, clock, recorderFor(cluster, { clock, source: EVENT_SOURCE.scheduler }));
  await Promise.all([scheduling.start(), controller.start()]);
  const stop = (): void => {
    controller.stop();
    scheduling.stop();
  };
  try {
    for (const p of config.policies) await cluster.sgps.create(buildSgp(sgpFromSimple(p)));
    const nodeName = config.node.name;
    const limits = instanceLimits(config.node.instanceType);
    // EC2 launches the instance (its primary ENI); the kubelet registers the Node.
    const primary = await controller.ec2.launchInstance(nodeName, limits.ipv4PerEni - 1);
    await registerNode(cluster, clock, { name: nodeName, instanceType: config.node.instanceType, capacity: { pods: String(maxPods(limits)) } });
    return {
      mode: "memory", cluster, nodeName, instanceId: undefined, store, instanceType: config.node.instanceType, primary, adoptPods: true, controller,
      async askForTrunk() {
        await markCniNode(cluster, clock, nodeName);
        await waitForNode(cluster, clock, nodeName, trunkReady, TRUNK_WAIT_MS, "the trunk ENI");
        const trunk = controller.ec2.list({ nodeName, kind: "trunk" })[0];
        if (trunk === undefined) throw new HarnessError("internal", `node ${nodeName} is labelled with a trunk but EC2 lists none`);
        return trunk;
      },
      attacher: (ipsPerEni) => controller.eniAttacher(nodeName, { ipsPerEni }),
      ec2Calls: () => controller.ec2CallLog(),
      branchEnis: () => controller.listEnis({ nodeName, kind: "branch" }),
      stop,
    };
  } catch (e) {
    stop();
    throw e;
  }
}
