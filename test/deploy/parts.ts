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
  interface Container { name: string; image: string; command?: string[]; args?: string[]; env?: EnvVar[]; volumeMounts?: Mount[] }
  interface Volume { name: string; hostPath?: { path: string; type?: string }; configMap?: { name: string } }
  interface DaemonSetSpec {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        hostNetwork?: boolean;
        tolerations?: object[];
        initContainers?: Container[];
        containers: Container[];
        volumes?: Volume[];
      };
    };
  }
  interface KindCluster { apiVersion?: string; kind?: string; networking?: { disableDefaultCNI?: boolean }; nodes?: { role: string }[] }
  interface Conflist { cniVersion: string; name: string; plugins: Record<string, unknown>[] }
}

export async function loadDocs(): Promise<K.Doc[]> {
  const text = await readFile(join(DEPLOY_DIR, "daemonset.yaml"), "utf8");
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`daemonset.yaml: ${d.errors.map((e) => e.message).join("; ")}`);
    return d.toJSON() as K.Doc;
  });
}

export function daemonSetParts(docs: K.Doc[]) {
  const ds = docs.find((d) => d.kind === "DaemonSet") as K.Doc & { spec: K.DaemonSetSpec };
  const cm = docs.find((d) => d.kind === "ConfigMap") as K.Doc;
  if (!ds || !cm) throw new Error("daemonset.yaml needs a DaemonSet and a ConfigMap");
  const pod = ds.spec.template.spec;
  const initC = pod.initContainers?.find((c) => c.name === "install-cni");
  const mainC = pod.containers.find((c) => c.name === "mock-ipamd");
  if (!initC || !mainC) throw new Error("daemonset.yaml needs containers install-cni and mock-ipamd");
  const volumes = pod.volumes ?? [];
  const conflist = JSON.parse(cm.data?.["10-mock-vpc-cni.conflist"] ?? "") as K.Conflist;
  const hostPathOf = (volume: string): string | undefined => volumes.find((v) => v.name === volume)?.hostPath?.path;
  return { ds, cm, initC, mainC, volumes, conflist, hostPathOf };
}
