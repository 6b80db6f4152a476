// Loads deploy/ manifests and picks out the parts the deploy tests cross-check (typed loosely:
// only the fields we read).
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const DEPLOY_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deploy");

export declare namespace K {
  interface Meta { name?: string; namespace?: string; labels?: Record<string, string> }
  interface Doc { apiVersion?: string; kind?: string; metadata?: Meta; data?: Record<string, string>; spec?: unknown }
  interface EnvVar { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }
  interface Mount { name: string; mountPath: string; readOnly?: boolean }
  interface Container {
    name: string; image: string; command?: string[]; args?: string[]; env?: EnvVar[]; volumeMounts?: Mount[];
    ports?: { name?: string; containerPort: number }[];
    readinessProbe?: { tcpSocket?: { port: number }; httpGet?: { path: string; port: number }; exec?: { command: string[] } };
  }
  interface Volume { name: string; hostPath?: { path: string; type?: string }; configMap?: { name: string } }
  interface PodSpec {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    hostNetwork?: boolean;
    nodeSelector?: Record<string, string>;
    tolerations?: object[];
    initContainers?: Container[];
    containers: Container[];
    volumes?: Volume[];
  }
  interface WorkloadSpec {
    replicas?: number;
    strategy?: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  }
  interface Workload extends Doc { spec: WorkloadSpec }
  interface KindCluster { apiVersion?: string; kind?: string; networking?: { disableDefaultCNI?: boolean; serviceSubnet?: string }; nodes?: { role: string; labels?: Record<string, string> }[] }
  interface Conflist { cniVersion: string; name: string; plugins: Record<string, unknown>[] }
  interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }
  interface Role extends Doc { rules: Rule[] }
  interface Binding extends Doc { roleRef: { apiGroup: string; kind: string; name: string }; subjects: { kind: string; name: string; namespace?: string }[] }
  interface Service extends Doc { spec: { type?: string; clusterIP?: string; selector: Record<string, string>; ports: { name?: string; port: number; targetPort: number }[] } }
  interface Webhook {
    name: string; failurePolicy?: string; sideEffects?: string; admissionReviewVersions?: string[];
    clientConfig: { url?: string; caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
    rules: { operations: string[]; apiGroups: string[]; apiVersions: string[]; resources: string[]; scope?: string }[];
  }
  interface WebhookConfig extends Doc { webhooks: Webhook[] }
}

/** Every document of deploy/<file>; a YAML error fails with the file's name. */
export async function loadFile(file: string): Promise<K.Doc[]> {
  const text = await readFile(join(DEPLOY_DIR, file), "utf8");
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join("; ")}`);
    return d.toJSON() as K.Doc;
  });
}

export const loadDocs = (): Promise<K.Doc[]> => loadFile("daemonset.yaml");

/** The one document of this kind (and name, when given) in docs. */
export function one<T extends K.Doc>(docs: readonly K.Doc[], kind: string, name?: string): T {
  const found = docs.filter((d) => d.kind === kind && (name === undefined || d.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name === undefined ? "" : ` ${name}`}, found ${found.length}`);
  return found[0] as T;
}

export function daemonSetParts(docs: K.Doc[]) {
  const ds = one<K.Workload>(docs, "DaemonSet");
  const cm = one<K.Doc>(docs, "ConfigMap");
  const pod = ds.spec.template.spec;
  const initC = pod.initContainers?.find((c) => c.name === "install-cni");
  const instanceC = pod.initContainers?.find((c) => c.name === "instance");
  const mainC = pod.containers.find((c) => c.name === "mock-ipamd");
  if (!initC || !mainC || !instanceC) throw new Error("daemonset.yaml needs init containers instance and install-cni, and container mock-ipamd");
  const volumes = pod.volumes ?? [];
  const conflist = JSON.parse(cm.data?.["10-mock-vpc-cni.conflist"] ?? "") as K.Conflist;
  const hostPathOf = (volume: string): string | undefined => volumes.find((v) => v.name === volume)?.hostPath?.path;
  return { ds, cm, initC, instanceC, mainC, volumes, conflist, hostPathOf };
}

/** The value of a flag in an argument list (`--flag value`). */
export function flagValue(args: readonly string[] | undefined, flag: string): string | undefined {
  const i = (args ?? []).indexOf(flag);
  return i < 0 ? undefined : args?.[i + 1];
}
