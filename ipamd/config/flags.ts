// mock-ipamd's command line (commander): the common knobs as flags, everything else in --config.
// Flags override the config file, which overrides the defaults.

import { Command, Option } from "commander";

export interface Flags {
  cluster?: "memory" | "kube";
  kubeconfig?: string;
  ec2Endpoint?: string;
  serveApi?: string;
  serveApiKubeconfig?: string;
  serveApiAllowRemote?: boolean;
  fabric?: "on" | "off";
  fabricUplink?: string;
  listen?: string;
  control?: string;
  allowRemoteListen?: boolean;
  allowRemoteControl?: boolean;
  clientVersion?: string;
  stateDir?: string;
  config?: string;
  nodeName?: string;
  instanceType?: string;
  provisioningDelay?: string;
  sgpNamespace?: string[];
  waitForBranchEni?: string;
  ipCooldown?: string;
  hostLinks?: "auto" | "on" | "off";
  hostLinkPrefix?: string;
  introspection?: string;
  metrics?: string;
  logLevel?: string;
  seed?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function buildCommand(): Command {
  return new Command("mock-ipamd")
    .description(
      "A daemon wire-compatible with the AWS VPC CNI's ipamd (rpc.CNIBackend, grpc.health.v1), with an in-process fake " +
        "VPC resource controller + EC2 that provisions branch ENIs for Security Groups for Pods, and a control API (harness.v1.Control).",
    )
    .addOption(new Option("--cluster <mode>", "memory: the cluster (API objects, controller, EC2) in this process (default); kube: a Kubernetes API server and mock-ec2, as one node of a cluster").choices(["memory", "kube"]))
    .option("--kubeconfig <file>", "with --cluster kube: the API server's kubeconfig (default: the in-cluster service account)")
    .option("--ec2-endpoint <url>", "with --cluster kube: EC2's endpoint, e.g. mock-ec2's http://127.0.0.1:4566 (required)")
    .option("--serve-api <host:port>", "with --cluster memory: serve this daemon's cluster as a Kubernetes API over HTTPS for kubectl (loopback unless --serve-api-allow-remote; port 0: any free port)")
    .option("--serve-api-kubeconfig <file>", "with --serve-api: where to write its kubeconfig (default <state-dir>/kubeconfig)")
    .option("--serve-api-allow-remote", "with --serve-api: allow a non-loopback address (the API holds the whole cluster behind one token)")
    .addOption(new Option("--fabric <mode>", "with --cluster kube: route the other nodes' pod addresses to them and this node's branch ENIs onto its trunk, from mock-ec2's routing view; it adds routes, rules and the instance's address to the netns it runs in, so only where that netns is the node (default off)").choices(["on", "off"]))
    .option("--fabric-uplink <link>", "with --cluster kube: the node's link into the VPC (default eth0)")
    .option("--listen <address>", "gRPC listener for the CNI plugin: unix:///path (mode 0660) or host:port (default unix:///run/mock-ipamd/ipamd.sock)")
    .option("--control <address>", "control API listener (harness.v1.Control): unix:///path (mode 0600) or host:port (default control.sock next to --listen's socket)")
    .option("--allow-remote-listen", "allow --listen on an address other hosts can reach (rpc.CNIBackend has no authentication)")
    .option("--allow-remote-control", "allow --control on an address other hosts can reach (the control API has no authentication)")
    .option("--client-version <version>", 'the ClientVersion the plugin must send (default "", as release builds of aws-cni send)')
    .option("--state-dir <dir>", "where the checkpoint <dir>/ipam.json lives (default /run/mock-ipamd)")
    .option("--config <file>", "YAML or JSON config file: node, SecurityGroupPolicies, delays, EC2 limits, faults, warm targets (see README)")
    .option("--node-name <name>", "this node's name (default mock-node-1)")
    .option("--instance-type <type>", "EC2 instance type: ENI, IP and branch-ENI limits (default m5.large)")
    .option("--provisioning-delay <duration>", "branch ENI provisioning delay beyond the EC2 calls, e.g. 1.5s (default 1.5s)")
    .option("--sgp-namespace <ns>", "pods in this namespace match a SecurityGroupPolicy (repeatable)", collect)
    .option("--wait-for-branch-eni <duration>", "wait up to this long for the branch ENI instead of failing the first ADD (default 0s: fail like ipamd)")
    .option("--ip-cooldown <duration>", "IP_COOLDOWN_PERIOD: how long a released IP waits before reuse (default 30s)")
    .addOption(new Option("--host-links <mode>", "as root, make a host link per attached ENI (auto: when root)").choices(["auto", "on", "off"]))
    .option("--host-link-prefix <prefix>", "name prefix of the host links, unique per daemon on one host (default mh-)")
    .option("--introspection <address>", 'introspection HTTP host:port, port 0 = any free port, or "off" (default 127.0.0.1:61679)')
    .option("--metrics <address>", 'Prometheus metrics host:port, or "off" (default 127.0.0.1:61678)')
    .addOption(new Option("--log-level <level>", "log level (default info)").choices(["trace", "debug", "info", "warn", "error", "fatal", "silent"]))
    .option("--seed <n>", "seed of the controller's random numbers (delay distributions, fault rates)")
    .addHelpText(
      "after",
      "\nLogs are JSON lines on stdout; once every listener is up one line has \"msg\":\"ready\" with the actual addresses." +
        "\nSIGTERM/SIGINT: stop accepting, flush the checkpoint, remove host links, exit 0.",
    );
}

/** Parses argv (user arguments only); commander errors are thrown, not printed (tests, cmd decides). */
export function parseFlags(argv: readonly string[]): Flags {
  const cmd = buildCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.parse([...argv], { from: "user" });
  return cmd.opts<Flags>();
}
