// mock-ec2's command line, read and validated once into a frozen config (exit 2 on a usage error,
// decided before anything starts). The default VPC matches the in-process fake's: 10.0.0.0/16 with
// the primary subnet 10.0.0.0/19 and the branch subnet 10.0.32.0/19.

import { Command, Option } from "commander";
import { orThrow, parseListenAddress } from "../common/boundary/index.js";
import { HarnessError } from "../common/errors.js";
import { cidrWithin, cidrsOverlap, parseCidr } from "../common/ipv4.js";
import type { VpcSpec } from "./model/types.js";
import type { RateLimit } from "./server/knobs.js";

export const MOCK_EC2_VERSION = "0.1.0";

export interface MockEc2Config {
  readonly host: string;
  readonly port: number;
  readonly stateDir: string;
  readonly spec: VpcSpec;
  /** True when --vpc-cidr or --subnet were given (then a stored VPC must match them). */
  readonly vpcFromFlags: boolean;
  readonly rateLimit: RateLimit;
  readonly seed: number;
  readonly callLogSize: number;
  readonly maxBodyBytes: number;
  readonly logLevel: string;
}

export const DEFAULTS = Object.freeze({
  listen: "127.0.0.1:4566",
  stateDir: "/var/lib/mock-ec2",
  vpcCidr: "10.0.0.0/16",
  region: "us-west-2",
  subnets: ["10.0.0.0/19", "10.0.32.0/19"],
  accountId: "123456789012",
  qps: 12,
  burst: 18,
  seed: 1,
  callLogSize: 10_000,
  maxBodyBytes: 1 << 20,
});

interface Flags {
  listen: string;
  allowRemote?: boolean;
  stateDir: string;
  vpcCidr: string;
  subnet?: string[];
  region: string;
  accountId: string;
  qps: string;
  burst: string;
  seed: string;
  callLogSize: string;
  logLevel: string;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function buildCommand(): Command {
  return new Command("mock-ec2")
    .description("A fake EC2 for one VPC, speaking the EC2 Query API (2016-11-15) so @aws-sdk/client-ec2 and the AWS CLI work against it: instances, subnets, ENIs, addresses unique VPC-wide, trunk/branch interfaces, an account-wide rate limit, durable state.")
    .version(MOCK_EC2_VERSION)
    .option("--listen <host:port>", "where to listen; port 0 = any free port", DEFAULTS.listen)
    .option("--allow-remote", "allow a non-loopback --listen address (the fake checks no secrets)")
    .option("--state-dir <dir>", "where the state lives (<dir>/ec2-state.json, written before every reply that changes it)", DEFAULTS.stateDir)
    .option("--vpc-cidr <cidr>", "the VPC's CIDR block (/16 to /28)", DEFAULTS.vpcCidr)
    .option("--subnet <cidr[@az]>", `a subnet (repeatable; default ${DEFAULTS.subnets.join(" and ")} in <region>a)`, collect)
    .option("--region <region>", "the region (availability zones are <region>a, b, …)", DEFAULTS.region)
    .option("--account-id <12 digits>", "the owner id of every resource", DEFAULTS.accountId)
    .option("--qps <n>", "account-wide token bucket refill per second; 0 = no limit", String(DEFAULTS.qps))
    .option("--burst <n>", "account-wide token bucket size", String(DEFAULTS.burst))
    .option("--seed <n>", "seed of the ids of a new VPC and of fault draws", String(DEFAULTS.seed))
    .option("--call-log-size <n>", "calls kept for GET /_harness/calls", String(DEFAULTS.callLogSize))
    .addOption(new Option("--log-level <level>", "log level").choices(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"))
    .addHelpText("after", [
      "",
      "Point any AWS SDK at it with an endpoint override and any credentials, e.g.",
      "  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws --endpoint-url http://127.0.0.1:4566 --region us-west-2 ec2 describe-subnets",
      "Logs are JSON lines on stdout; once listening, one line has \"msg\":\"ready\" and the actual \"endpoint\".",
      "Harness endpoints (JSON, not EC2 actions): /_harness/calls, /_harness/faults, /_harness/limits, /_harness/state.",
      "SIGTERM/SIGINT: stop accepting, finish what is in flight, exit 0.",
    ].join("\n"));
}

const invalid = (msg: string): HarnessError => new HarnessError("invalid-config", msg);

function integer(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw invalid(`${flag} must be an integer >= ${min}, got "${v}"`);
  return n;
}

function listenAddress(v: string, allowRemote: boolean): { host: string; port: number } {
  return orThrow(parseListenAddress(v, { what: "--listen", allowRemote, remoteFlag: "--allow-remote", remoteRisk: "the fake accepts any credentials" }), invalid);
}

function vpcSpec(f: Flags): VpcSpec {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(f.region)) throw invalid(`--region must look like us-west-2, got "${f.region}"`);
  if (!/^\d{12}$/.test(f.accountId)) throw invalid(`--account-id must be 12 digits, got "${f.accountId}"`);
  const vpc = parseCidr(f.vpcCidr, { minBits: 16, maxBits: 28 });
  const subnets = (f.subnet ?? DEFAULTS.subnets).map((s) => {
    const [cidr = "", az = `${f.region}a`] = s.split("@");
    if (!new RegExp(`^${f.region}[a-z]$`).test(az)) throw invalid(`--subnet ${s}: availability zone "${az}" is not in ${f.region} (e.g. ${f.region}a)`);
    const c = parseCidr(cidr, { minBits: 16, maxBits: 28 });
    if (!cidrWithin(c, vpc)) throw invalid(`--subnet ${s}: ${c.text} is not inside the VPC ${vpc.text}`);
    return { cidr: c, az };
  });
  if (subnets.length === 0) throw invalid("at least one --subnet is needed");
  subnets.forEach((a, i) => subnets.slice(i + 1).forEach((b) => {
    if (cidrsOverlap(a.cidr, b.cidr)) throw invalid(`subnets ${a.cidr.text} and ${b.cidr.text} overlap`);
  }));
  return { accountId: f.accountId, region: f.region, vpcCidr: vpc.text, subnets: subnets.map((s) => ({ cidr: s.cidr.text, availabilityZone: s.az })) };
}

/** Parses user arguments; --help/--version and commander's own errors surface as CommanderError. */
export function parseArgs(argv: readonly string[], cmd: Command = buildCommand()): MockEc2Config {
  cmd.parse([...argv], { from: "user" });
  const f = cmd.opts<Flags>();
  const qps = Number(f.qps);
  if (!Number.isFinite(qps) || qps < 0 || f.qps.trim() === "") throw invalid(`--qps must be a number >= 0 (0: no limit), got "${f.qps}"`);
  return Object.freeze({
    ...listenAddress(f.listen, f.allowRemote === true),
    stateDir: f.stateDir,
    spec: vpcSpec(f),
    vpcFromFlags: cmd.getOptionValueSource("vpcCidr") === "cli" || f.subnet !== undefined,
    rateLimit: Object.freeze({ qps, burst: integer("--burst", f.burst, 1) }),
    seed: integer("--seed", f.seed, 0),
    callLogSize: integer("--call-log-size", f.callLogSize, 1),
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    logLevel: f.logLevel,
  });
}
