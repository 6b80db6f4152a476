// defaults <- config file <- flags, validated once into a frozen IpamdConfig; every error is a
// HarnessError("invalid-config") that names the key (or flag) and the problem.

import { readFileSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { parse as parseYaml } from "yaml";
import type { SimplePolicy } from "../../cluster/k8s/index.js";
import { API_RISK, orThrow, parseListenAddress } from "../../common/boundary/index.js";
import { parseDuration } from "../../common/duration.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
// Values straight from controller/delay.js, not its entry point: mock-ipamd parses its flags before
// loading the daemon, and controller/index.js would add 44 modules to that path (--help, usage errors).
import { MAX_DELAY_MS, validateDelay } from "../../controller/delay.js";
import type { ProvisioningDelay } from "../../controller/index.js";
import { isLinkName } from "../fabric/values.js";
import { validatePrefix } from "../hostlinks/index.js";
import { instanceLimits } from "../../common/limits.js";
import { DEFAULT_CONFIG } from "./defaults.js";
import type { Flags } from "./flags.js";
import { describeIssues, fileSchema } from "./schema.js";
import type { ConfigFile } from "./schema.js";
import { resolveSockets } from "./sockets.js";
import type { ClusterMode, IpamdConfig, LogLevel, ServeApi } from "./types.js";

export type ReadFile = (path: string) => string;

/** Parses the config file's text (YAML is a superset of JSON) and validates it. */
export function parseConfigFile(text: string, name: string): ConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new HarnessError("invalid-config", `config file ${name}: not YAML/JSON: ${errorMessage(e)}`);
  }
  const result = fileSchema.safeParse(raw ?? {});
  if (!result.success) throw new HarnessError("invalid-config", `config file ${name}: ${describeIssues(result.error)}`);
  return result.data;
}

/** Drops undefined values so a partial section spreads over the defaults safely. */
function defined<T extends object>(o: T | undefined): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function flagDuration(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseDuration(value, flag);
}

function tooLong(what: string, ms: number): void {
  if (ms > MAX_DELAY_MS) throw new HarnessError("invalid-config", `${what}: ${ms} ms is longer than a timer can wait (at most ${MAX_DELAY_MS} ms, about 24.8 days)`);
}

function toDelay(d: NonNullable<NonNullable<ConfigFile["controller"]>["provisioningDelay"]>): ProvisioningDelay {
  if (typeof d === "number") return { kind: "fixed", fixedMs: d };
  switch (d.kind) {
    case "fixed": return { kind: "fixed", fixedMs: d.fixed };
    case "uniform": return { kind: "uniform", minMs: d.min, maxMs: d.max };
    default: return { kind: d.kind, meanMs: d.mean, stddevMs: d.stddev };
  }
}

function policiesOf(file: ConfigFile, flagNs: readonly string[]): SimplePolicy[] {
  const out: SimplePolicy[] = (file.securityGroupPolicies ?? []).map((p) => ({ ...p }));
  // An empty podSelector matches every pod of the namespace (SecurityGroupPolicy semantics).
  for (const ns of [...(file.sgpNamespaces ?? []), ...flagNs]) {
    if (!out.some((p) => p.namespace === ns && p.name === "sgp-namespace")) {
      out.push({ namespace: ns, name: "sgp-namespace", podSelector: {}, serviceAccountSelector: {}, securityGroupIds: ["sg-harness"] });
    }
  }
  return out;
}

/**
 * A --serve-api address: HOST:PORT or [V6]:PORT, HOST an IP address or localhost, loopback unless
 * `allowRemote` (the API holds the whole cluster behind one token). Pure; also the demo's and the
 * real-time scenarios' usage check (decided before anything starts).
 */
export function parseServeAddress(value: string, allowRemote: boolean): { host: string; port: number } {
  return orThrow(parseListenAddress(value, { what: "--serve-api", allowRemote, remoteFlag: "--serve-api-allow-remote", remoteRisk: API_RISK }), (m) => new HarnessError("invalid-config", m));
}

/**
 * --serve-api: the embedded store as a Kubernetes API (docs/ARCHITECTURE.md). Memory mode only (in
 * kube mode the cluster has its own API server).
 */
function serveApi(flags: Flags, stateDir: string): ServeApi | undefined {
  if (flags.serveApi === undefined) {
    if (flags.serveApiKubeconfig !== undefined) throw new HarnessError("invalid-config", "--serve-api-kubeconfig needs --serve-api");
    if (flags.serveApiAllowRemote === true) throw new HarnessError("invalid-config", "--serve-api-allow-remote needs --serve-api");
    return undefined;
  }
  if ((flags.cluster ?? "memory") !== "memory") throw new HarnessError("invalid-config", "--serve-api needs --cluster memory: with --cluster kube the cluster already has its API server");
  const { host, port } = parseServeAddress(flags.serveApi, flags.serveApiAllowRemote === true);
  if (flags.serveApiKubeconfig === "") throw new HarnessError("invalid-config", "--serve-api-kubeconfig: empty file name");
  return Object.freeze({ host, port, kubeconfig: resolvePath(flags.serveApiKubeconfig ?? join(stateDir, "kubeconfig")) });
}

/** --cluster kube needs an explicit node name (the Node to wait for) and an EC2 endpoint. */
function clusterMode(flags: Flags): ClusterMode {
  const mode = flags.cluster ?? "memory";
  if (mode === "memory") {
    for (const [flag, v] of [["--kubeconfig", flags.kubeconfig], ["--ec2-endpoint", flags.ec2Endpoint], ["--fabric", flags.fabric], ["--fabric-uplink", flags.fabricUplink]] as const) {
      if (v !== undefined) throw new HarnessError("invalid-config", `${flag} needs --cluster kube (with --cluster memory the cluster lives in this process)`);
    }
    return { mode };
  }
  if (flags.nodeName === undefined || flags.nodeName === "") throw new HarnessError("invalid-config", "--cluster kube needs --node-name: the Node this ipamd runs on (the downward API's spec.nodeName in a DaemonSet)");
  if (flags.ec2Endpoint === undefined) throw new HarnessError("invalid-config", "--cluster kube needs --ec2-endpoint: where this node's ENIs come from (e.g. mock-ec2's http://127.0.0.1:4566)");
  try {
    const u = new URL(flags.ec2Endpoint);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new HarnessError("invalid-config", `--ec2-endpoint ${JSON.stringify(flags.ec2Endpoint)}: expected an http:// or https:// URL`);
  }
  const uplink = flags.fabricUplink ?? "eth0";
  if (!isLinkName(uplink)) throw new HarnessError("invalid-config", `--fabric-uplink ${JSON.stringify(uplink)}: not a link name`);
  return { mode, kubeconfig: flags.kubeconfig, ec2Endpoint: flags.ec2Endpoint.replace(/\/+$/, ""), fabric: { enabled: flags.fabric === "on", uplink } };
}

export function resolveConfig(flags: Flags, readFile: ReadFile = (p) => readFileSync(p, "utf8")): IpamdConfig {
  const d = DEFAULT_CONFIG;
  let file: ConfigFile = {};
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = readFile(flags.config);
    } catch (e) {
      throw new HarnessError("invalid-config", `--config ${flags.config}: cannot read: ${errorMessage(e)}`);
    }
    file = parseConfigFile(text, flags.config);
  }
  const ctl = file.controller ?? {};
  const ipamd = file.ipamd ?? {};
  const flagDelay = flagDuration(flags.provisioningDelay, "--provisioning-delay");
  const delay: ProvisioningDelay =
    flagDelay !== undefined ? { kind: "fixed", fixedMs: flagDelay } : ctl.provisioningDelay !== undefined ? toDelay(ctl.provisioningDelay) : d.provisioningDelay;
  const node = { ...d.node, ...defined(file.node), ...(flags.nodeName === undefined ? {} : { name: flags.nodeName }), ...(flags.instanceType === undefined ? {} : { instanceType: flags.instanceType }) };
  instanceLimits(node.instanceType); // unknown type -> error naming the known ones
  const seed = flags.seed === undefined ? (ctl.seed ?? d.seed) : Number(flags.seed);
  if (!Number.isInteger(seed)) throw new HarnessError("invalid-config", `--seed: "${flags.seed}" is not an integer`);
  const warm = file.warmPool ?? {};
  const stateDir = flags.stateDir ?? ipamd.stateDir ?? d.stateDir;
  const sockets = resolveSockets({
    listen: flags.listen ?? ipamd.listen ?? d.listen,
    control: flags.control,
    introspection: flags.introspection ?? ipamd.introspection ?? d.introspection,
    metrics: flags.metrics ?? ipamd.metrics ?? d.metrics,
    allowRemoteListen: flags.allowRemoteListen === true,
    allowRemoteControl: flags.allowRemoteControl === true,
  }, stateDir);
  const cfg: IpamdConfig = {
    cluster: clusterMode(flags),
    serveApi: serveApi(flags, stateDir),
    ...sockets,
    clientVersion: flags.clientVersion ?? d.clientVersion,
    stateDir,
    configFile: flags.config,
    node: Object.freeze({ ...node, vpcCidrs: Object.freeze([...node.vpcCidrs]) }),
    policies: Object.freeze(policiesOf(file, flags.sgpNamespace ?? []).map((p) => Object.freeze(p))),
    provisioningDelay: validateDelay(delay),
    branchCooldownMs: ctl.branchCooldown ?? d.branchCooldownMs,
    ec2: Object.freeze({ qps: file.ec2?.qps ?? d.ec2.qps, burst: file.ec2?.burst ?? d.ec2.burst, callLatencyMs: file.ec2?.callLatency ?? d.ec2.callLatencyMs }),
    faults: Object.freeze({ ...d.faults, ...defined(file.faults) }),
    warm: Object.freeze({
      WARM_ENI_TARGET: warm.WARM_ENI_TARGET ?? d.warm.WARM_ENI_TARGET,
      WARM_IP_TARGET: warm.WARM_IP_TARGET,
      MINIMUM_IP_TARGET: warm.MINIMUM_IP_TARGET,
      WARM_PREFIX_TARGET: warm.WARM_PREFIX_TARGET,
    }),
    ipCooldownMs: flagDuration(flags.ipCooldown, "--ip-cooldown") ?? ipamd.ipCooldown ?? d.ipCooldownMs,
    waitForBranchEniMs: flagDuration(flags.waitForBranchEni, "--wait-for-branch-eni") ?? ipamd.waitForBranchEni ?? d.waitForBranchEniMs,
    hostLinks: flags.hostLinks ?? ipamd.hostLinks ?? d.hostLinks,
    hostLinkPrefix: validatePrefix(flags.hostLinkPrefix ?? ipamd.hostLinkPrefix ?? d.hostLinkPrefix),
    logLevel: (flags.logLevel ?? ipamd.logLevel ?? d.logLevel) as LogLevel,
    seed,
  };
  if (cfg.branchCooldownMs < 30_000) {
    throw new HarnessError("invalid-config", `controller.branchCooldown: ${cfg.branchCooldownMs} ms is below the controller's minimum of 30s`);
  }
  // Both become timers; Node fires a timer longer than MAX_DELAY_MS after 1 ms.
  tooLong("controller.branchCooldown", cfg.branchCooldownMs);
  tooLong("--wait-for-branch-eni / ipamd.waitForBranchEni", cfg.waitForBranchEniMs);
  return Object.freeze(cfg);
}
