// Defaults that make mock-ipamd start with no config at all: an m5.large node with a trunk, the
// real ports and cooldowns, the socket path of ipamd v1.23 under /run/mock-ipamd.

import type { IpamdConfig } from "./types.js";

export const DEFAULT_CONFIG: IpamdConfig = Object.freeze({
  listen: "unix:///run/mock-ipamd/ipamd.sock",
  stateDir: "/run/mock-ipamd",
  configFile: undefined,
  node: Object.freeze({
    name: "mock-node-1",
    instanceType: "m5.large",
    subnetCidr: "10.0.0.0/19",
    branchSubnetCidr: "10.0.32.0/19",
    vpcCidrs: Object.freeze(["10.0.0.0/16"]),
    trunk: true,
  }),
  policies: Object.freeze([]),
  provisioningDelay: Object.freeze({ kind: "fixed", fixedMs: 1500 }),
  branchCooldownMs: 60_000,
  // The controller's EC2 client: 12 QPS, burst 18 (FACTS.md section 1).
  ec2: Object.freeze({ qps: 12, burst: 18, callLatencyMs: 50 }),
  faults: Object.freeze({
    ec2ThrottleRate: 0,
    ec2FailureRate: 0,
    branchAllocationFailureRate: 0,
    annotationFailureRate: 0,
    branchCapacityOverride: -1,
    subnetExhausted: false,
    ipamdDown: false,
  }),
  warm: Object.freeze({ WARM_ENI_TARGET: 1, WARM_IP_TARGET: undefined, MINIMUM_IP_TARGET: undefined, WARM_PREFIX_TARGET: undefined }),
  ipCooldownMs: 30_000,
  waitForBranchEniMs: 0,
  hostLinks: "auto",
  hostLinkPrefix: "mh-",
  // The real ipamd: introspection 127.0.0.1:61679, metrics :61678 (we bind loopback by default).
  introspection: "127.0.0.1:61679",
  metrics: "127.0.0.1:61678",
  logLevel: "info",
  seed: 1,
}) as IpamdConfig;
