// The CNI network lists a test run installs: ours (mock-vpc-cni chained with portmap, the shape
// of the real aws-cni conflist, docs/REFERENCE.md §3) and Debian's bridge + host-local for comparison.

export interface MockVpcCniOptions {
  /** mock-ipamd's gRPC address, e.g. unix:///tmp/x/ipamd.sock */
  ipamdAddress: string;
  pluginLogFile?: string;
  podSGEnforcingMode?: "strict" | "standard";
}

export const MOCK_NETWORK = "mock-vpc-cni";
export const BRIDGE_NETWORK = "bridge-hostlocal";

export function mockVpcCniConflist(o: MockVpcCniOptions): object {
  const plugin: Record<string, unknown> = {
    type: "mock-vpc-cni",
    name: MOCK_NETWORK,
    vethPrefix: "eni",
    mtu: "9001",
    podSGEnforcingMode: o.podSGEnforcingMode ?? "strict",
    pluginLogLevel: "debug",
    ipamdAddress: o.ipamdAddress,
    ipamdTimeout: "10s",
  };
  if (o.pluginLogFile !== undefined) plugin["pluginLogFile"] = o.pluginLogFile;
  return {
    cniVersion: "0.4.0",
    name: MOCK_NETWORK,
    disableCheck: true,
    plugins: [plugin, { type: "portmap", capabilities: { portMappings: true }, snat: true }],
  };
}

export interface BridgeOptions {
  bridge: string;
  subnet: string;
  /** host-local's lease files; inside the run's temp dir so nothing outlives it. */
  dataDir: string;
}

export function bridgeConflist(o: BridgeOptions): object {
  return {
    cniVersion: "0.4.0",
    name: BRIDGE_NETWORK,
    plugins: [
      {
        type: "bridge",
        bridge: o.bridge,
        isGateway: true,
        // No masquerade: it would add CNI-* nat chains per pod for nothing we test.
        ipMasq: false,
        ipam: { type: "host-local", ranges: [[{ subnet: o.subnet }]], dataDir: o.dataDir },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}
