// `mock-ipamd --cluster memory` (the default): the whole cluster side in this process, as the
// standalone daemon always had it: the object store behind the seam's memory backend, the fake
// VPC resource controller (with its fake EC2) on that seam, its SGP webhook as the store's admission
// hook, and the SecurityGroupPolicies of the config. ipamd itself still reaches it only through the
// seam (pods, nodes, CNINodes, events) and EC2.

import { createMemoryCluster, recordScheduling, recorderFor } from "../../cluster/client/index.js";
import type { ClusterClient } from "../../cluster/client/index.js";
import { buildSgp, sgpFromSimple } from "../../cluster/k8s/index.js";
import { createObjectStore } from "../../cluster/store/index.js";
import type { ObjectStore } from "../../cluster/store/index.js";
import type { Clock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { EVENT_SOURCE } from "../../common/names.js";
import { createController, createSeededRng } from "../../controller/index.js";
import type { VpcResourceController } from "../../controller/index.js";
import type { IpamdConfig } from "../config/index.js";
import type { Logger } from "../log.js";

export interface EmbeddedCluster {
  store: ObjectStore;
  cluster: ClusterClient;
  controller: VpcResourceController;
  stop(): void;
}

export async function startEmbeddedCluster(config: IpamdConfig, log: Logger, clock: Clock): Promise<EmbeddedCluster> {
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
  const scheduling = recordScheduling(cluster, clock, recorderFor(cluster, {clock, source: EVENT_SOURCE.scheduler }));
  await Promise.all([scheduling.start(), controller.start()]);
  for (const p of config.policies) await cluster.sgps.create(buildSgp(sgpFromSimple(p)));
  return { store, cluster, controller, stop: () => { controller.stop(); scheduling.stop(); } };
}
