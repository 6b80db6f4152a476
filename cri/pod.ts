// Builds the PodSandboxConfig / ContainerConfig kubelet would send for a simple pod (pure).
import type { ContainerConfig, PodSandboxConfig, PortMapping } from "./types.js";

export interface PodSpec {
  namespace: string;
  name: string;
  uid: string;
  /** kubelet increments it for each new sandbox of the same pod (a retry after a failure). */
  attempt?: number;
  logDirectory?: string;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
}

export function podSandboxConfig(spec: PodSpec): PodSandboxConfig {
  const config: PodSandboxConfig = {
    metadata: { name: spec.name, uid: spec.uid, namespace: spec.namespace, attempt: spec.attempt ?? 0 },
    hostname: spec.name,
    labels: { "io.kubernetes.pod.name": spec.name, "io.kubernetes.pod.namespace": spec.namespace, ...spec.labels },
    annotations: {},
    // Pod network namespace, as for every non-hostNetwork pod: this is what makes containerd run CNI.
    linux: { securityContext: { namespaceOptions: { network: "POD", pid: "CONTAINER", ipc: "POD" } } },
  };
  if (spec.logDirectory !== undefined) config.logDirectory = spec.logDirectory;
  if (spec.portMappings !== undefined) config.portMappings = spec.portMappings;
  return config;
}

export function containerConfig(name: string, image: string, command: string[], logPath?: string): ContainerConfig {
  const config: ContainerConfig = { metadata: { name, attempt: 0 }, image: { image }, command };
  if (logPath !== undefined) config.logPath = logPath;
  return config;
}
