// The kubeconfig the API server writes for its clients: the server URL, the CA (inline), the
// bearer token; mode 0600 (it holds the token), written to a temp file and renamed, so a reader
// never sees half of it.

import { chmodSync, renameSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "vpc-cni-harness", cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
    users: [{ name: "vpc-cni-harness-admin", user: { token } }],
    contexts: [{ name: "vpc-cni-harness", context: { cluster: "vpc-cni-harness", user: "vpc-cni-harness-admin", namespace: "default" } }],
    "current-context": "vpc-cni-harness",
    preferences: {},
  });
}

export function writeKubeconfig(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
