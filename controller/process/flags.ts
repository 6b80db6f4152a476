// mock-vpc-resource-controller's command line: flags checked once, before anything starts (a
// usage error exits 2), into one frozen configuration.

import { Command, Option } from "commander";
import { parseEndpoint } from "../../common/boundary/index.js";
import { parseDuration } from "../../common/duration.js";
import { HarnessError } from "../../common/errors.js";
import { DEFAULT_CONTROLLER_CONFIG } from "../config.js";
import { MAX_DELAY_MS } from "../delay.js";

export const CONTROLLER_VERSION = "0.1.0";

export interface ControllerProcessConfig {
  /** undefined: the in-cluster service account. */
  kubeconfig: string | undefined;
  /** undefined: an in-process fake EC2 (no ipamd can share it; for trying the controller alone). */
  ec2Endpoint: string | undefined;
  provisioningDelayMs: number;
  cooldownMs: number;
  deletePassIntervalMs: number;
  resyncMs: number;
  /** host:port of the HTTPS mutating webhook, or undefined. */
  webhookListen: string | undefined;
  /**
   * The Service in front of the webhook (in a cluster): clientConfig.service and the certificate's
   * names NAME.NAMESPACE.svc(.cluster.local); undefined: clientConfig.url (the listen address).
   */
  webhookService: { namespace: string; name: string } | undefined;
  webhookConfigName: string;
  apiQps: number;
  apiBurst: number;
  ec2Qps: number;
  ec2Burst: number;
  primarySubnetCidr: string;
  branchSubnetCidr: string;
  seed: number;
  logLevel: "debug" | "info" | "warn" | "error";
}

interface RawFlags {
  kubeconfig?: string;
  ec2Endpoint?: string;
  provisioningDelay: string;
  cooldown: string;
  deletePassInterval: string;
  resync: string;
  webhookListen?: string;
  webhookService?: string;
  webhookConfigName: string;
  apiQps: string;
  apiBurst: string;
  ec2Qps: string;
  ec2Burst: string;
  primarySubnet: string;
  branchSubnet: string;
  seed: string;
  logLevel: "debug" | "info" | "warn" | "error";
}

export function buildCommand(): Command {
  const d = DEFAULT_CONTROLLER_CONFIG;
  return new Command("mock-vpc-resource-controller")
    .description("The fake VPC resource controller of cluster mode, one per cluster: watches nodes, pods, SecurityGroupPolicies and CNINodes through the Kubernetes API, gives nodes a trunk ENI and SGP pods a branch ENI through EC2, annotates the pods and records the real events.")
    .version(CONTROLLER_VERSION)
    .option("--kubeconfig <file>", "kubeconfig of the API server (default: the in-cluster service account)")
    .option("--ec2-endpoint <url>", "EC2 endpoint, e.g. mock-ec2's http://127.0.0.1:4566 (default: an in-process fake EC2 that no ipamd can see)")
    .option("--provisioning-delay <duration>", "time a branch ENI takes beyond its three EC2 calls", `${d.provisioningDelay.kind === "fixed" ? d.provisioningDelay.fixedMs : 1500}ms`)
    .option("--cooldown <duration>", "how long a deleted pod's branch ENI waits before DeleteNetworkInterface (minimum 30s, as the real one)", "60s")
    .option("--delete-pass-interval <duration>", "how often a node's delete queue is processed", "30s")
    .option("--resync <duration>", 'how often branch ENIs are checked against the pods (a pod found gone frees its ENIs); "0" for never', "5m")
    .option("--webhook-listen <host:port>", "serve the mutating webhook /mutate-v1-pod over HTTPS here and register it (failurePolicy Ignore)")
    .option("--webhook-service <namespace/name>", "register the webhook behind this Service (port 443) instead of by URL; needs --webhook-listen")
    .option("--webhook-config-name <name>", "the MutatingWebhookConfiguration to create or update", "vpc-resource-mutating-webhook")
    .option("--api-qps <n>", "client-side limit of Kubernetes API requests per second", "20")
    .option("--api-burst <n>", "burst of that limit", "30")
    .option("--ec2-qps <n>", "client-side limit of EC2 requests per second (the real controller's 12)", String(d.ec2.qps))
    .option("--ec2-burst <n>", "burst of that limit (18)", String(d.ec2.burst))
    .option("--primary-subnet <cidr>", "subnet of trunk ENIs (mock-ec2's first subnet)", d.ec2.primarySubnetCidr)
    .option("--branch-subnet <cidr>", "subnet of branch ENIs", d.ec2.branchSubnetCidr)
    .option("--seed <n>", "seed of the random numbers (delay distributions, fault rates)", "1")
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error"]).default("info"))
    .addHelpText("after", "\nLogs are JSON lines on stdout; once started, one line has \"msg\":\"ready\" (with the webhook's address when served).\nSIGTERM/SIGINT: stop watching, finish, exit 0. Usage errors exit 2.");
}

const usage = (m: string): HarnessError => new HarnessError("invalid-argument", m);

function number(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw usage(`--${flag} ${JSON.stringify(v)}: expected a number >= ${min}`);
  return n;
}

function duration(flag: string, v: string): number {
  try {
    const ms = parseDuration(v, `--${flag}`);
    if (ms > MAX_DELAY_MS) throw usage(`--${flag} ${v}: at most ${MAX_DELAY_MS} ms (about 24.8 days)`);
    return ms;
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
}

function service(v: string | undefined, listen: string | undefined): { namespace: string; name: string } | undefined {
  if (v === undefined) return undefined;
  const m = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$/.exec(v);
  if (m === null) throw usage(`--webhook-service ${JSON.stringify(v)}: expected NAMESPACE/NAME (DNS labels)`);
  if (listen === undefined) throw usage("--webhook-service needs --webhook-listen (where the Service sends the requests)");
  return { namespace: m[1] as string, name: m[3] as string };
}

function cidr(flag: string, v: string): string {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(v)) throw usage(`--${flag} ${JSON.stringify(v)}: expected an IPv4 CIDR such as 10.0.32.0/19`);
  return v;
}

function url(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw usage(`--${flag} ${JSON.stringify(v)}: expected an http:// or https:// URL`);
  }
  return v.replace(/\/+$/, "");
}

function hostPort(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const p = parseEndpoint(v, { what: `--${flag}`, unix: false, anyPort: true });
  if (!p.ok) throw usage(`${p.problem}; expected HOST:PORT (port 0: any free port)`);
  return v;
}

/** argv (user arguments) to the configuration; commander's own errors and --help/--version throw CommanderError. */
export function parseArgs(argv: readonly string[], cmd: Command = buildCommand().exitOverride()): ControllerProcessConfig {
  cmd.parse([...argv], { from: "user" });
  const f = cmd.opts<RawFlags>();
  if (f.kubeconfig === "") throw usage("--kubeconfig: empty file name");
  return Object.freeze({
    kubeconfig: f.kubeconfig,
    ec2Endpoint: url("ec2-endpoint", f.ec2Endpoint),
    provisioningDelayMs: duration("provisioning-delay", f.provisioningDelay),
    cooldownMs: duration("cooldown", f.cooldown),
    deletePassIntervalMs: Math.max(1, duration("delete-pass-interval", f.deletePassInterval)),
    resyncMs: duration("resync", f.resync),
    webhookListen: hostPort("webhook-listen", f.webhookListen),
    webhookService: service(f.webhookService, f.webhookListen),
    webhookConfigName: f.webhookConfigName,
    apiQps: number("api-qps", f.apiQps, 0.001),
    apiBurst: number("api-burst", f.apiBurst, 1),
    ec2Qps: number("ec2-qps", f.ec2Qps, 0.001),
    ec2Burst: number("ec2-burst", f.ec2Burst, 1),
    primarySubnetCidr: cidr("primary-subnet", f.primarySubnet),
    branchSubnetCidr: cidr("branch-subnet", f.branchSubnet),
    seed: number("seed", f.seed, 0),
    logLevel: f.logLevel,
  });
}
