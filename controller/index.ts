// The fake VPC resource controller and fake EC2: public API.
//
//   const store = createClusterStore({ clock });
//   const ctl = createController({ clock, store, rng: createSeededRng(1) }, { provisioningDelay: { kind: "fixed", fixedMs: 2000 } });
//   ctl.start();                                   // installs the SGP webhook, watches pods
//   await ctl.addNode({ name: "node-1", instanceType: "m5.large" });  // trunk ENI + capacity
//   store.applyPolicy({ namespace: "sgp", name: "p", podSelector: {}, serviceAccountSelector: {}, securityGroupIds: ["sg-1"] });
//   store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" }); // -> annotation after EC2 calls + delay

export * from "./types.js";
export { createController } from "./controller.js";
export { CONTROLLER_CLIENT, INSTANCE_CLIENT, createFakeEc2, Ec2Error, isEc2Error, type FakeEc2Deps } from "./ec2.js";
export { createRemoteEc2, type RemoteEc2Options } from "./ec2-remote.js";
export {
  DEFAULT_CONTROLLER_CONFIG,
  DEFAULT_COOLDOWN_MS,
  DEFAULT_EC2_CONFIG,
  MIN_COOLDOWN_MS,
  NO_FAULTS,
  resolveControllerConfig,
  validateFaults,
} from "./config.js";
export { MAX_DELAY_MS, describeDelay, sampleDelay, validateDelay } from "./delay.js";
export { createSeededRng } from "./rng.js";
export { BRANCH_ENI_LIMITS, MAX_VLAN_ID, branchLimit } from "./limits.js";
export { defaultServiceAccountLabels, matchingSecurityGroups, mutatePod, policyMatches, wantsBranchEni, type ServiceAccountLabels } from "./webhook.js";
export { parseBranchAnnotation, renderBranchAnnotation } from "./annotation.js";
