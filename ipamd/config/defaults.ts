// Defaults that make mock-ipamd start with no config at all: an m5.large node with a trunk, the
// real ports and cooldowns, the socket path of ipamd v1.23 under /run/mock-ipamd.

// controller/config.js rather than its entry point: see the import note in resolve.ts.
import { DEFAULT_CONTROLLER_CONFIG, DEFAULT_COOLDOWN_MS, NO_FAULTS } from "../../controller/config.js";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import type { IpamdConfig } from "./types.js";

const { qps, burst, callLatencyMs } = DEFAULT_CONTROLLER_CONFIG.ec2;

export const DEFAULT_CONFIG: IpamdConfig = Object.freeze({
  cluster: Object.freeze({ mode: "memory" as const }),
  serveApi: undefined,
  listen: "unix:///run/mock-ipamd/ipamd.sock",
  control: "unix:///run/mock-ipamd/control.sock",
  clientVersion: CLIENT_VERSION,
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
  // The controller's own defaults: 1.5 s delay, 60 s cooldown, EC2 client 12 QPS burst 18 (docs/REFERENCE.md §1).
  provisioningDelay: DEFAULT_CONTROLLER_CONFIG.provisioningDelay,
  branchCooldownMs: DEFAULT_COOLDOWN_MS,
  ec2: Object.freeze({ qps, burst, callLatencyMs }),
  faults: Object.freeze({ ...NO_FAULTS, ipamdDown: false }),
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
