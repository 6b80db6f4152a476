// Legacy discovery documents (apimachinery pkg/apis/meta/v1 types.go: APIVersions, APIGroupList,
// APIGroup, APIResourceList), built from the store's resources. kubectl 1.32 asks for aggregated
// discovery first and falls back to these when the answer is a plain application/json document.

import type { ResourceInfo } from "../cluster/store/index.js";

/** The Kubernetes version this server speaks (kubectl 1.32's skew policy accepts 1.31 to 1.33). */
export const SERVER_VERSION = { major: "1", minor: "32", gitVersion: "v1.32.0-vpc-cni-harness", gitCommit: "", gitTreeState: "clean", buildDate: "", goVersion: "", compiler: "node", platform: "linux/amd64" };

const SUBRESOURCE_VERBS: Readonly<Record<string, { kind?: string; verbs: string[] }>> = {
  status: { verbs: ["get", "patch", "update"] },
  binding: { kind: "Binding", verbs: ["create"] },
  finalize: { verbs: ["update"] },
};

const gv = (i: ResourceInfo): string => (i.group === "" ? i.version : `${i.group}/${i.version}`);

/** Versions of a group, preferred first (v1 > v1beta1 > v1alpha1, as Kubernetes orders them). */
function versionsOf(resources: readonly ResourceInfo[], group: string): string[] {
  const rank = (v: string): number => (/^v\d+$/.test(v) ? 0 : v.includes("beta") ? 1 : 2);
  return [...new Set(resources.filter((r) => r.group === group).map((r) => r.version))].sort((a, b) => rank(a) - rank(b) || b.localeCompare(a));
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

function apiGroup(resources: readonly ResourceInfo[], group: string): Record<string, unknown> {
  const versions = versionsOf(resources, group).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(resources: readonly ResourceInfo[]): unknown {
  const groups = [...new Set(resources.map((r) => r.group).filter((g) => g !== ""))];
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map((g) => apiGroup(resources, g)) };
}

export function apiGroupDoc(resources: readonly ResourceInfo[], group: string): unknown | undefined {
  if (!resources.some((r) => r.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...apiGroup(resources, group) };
}

export function apiResourceList(resources: readonly ResourceInfo[], group: string, version: string): unknown | undefined {
  const mine = resources.filter((r) => r.group === group && r.version === version);
  if (mine.length === 0) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of mine) {
    out.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...(r.shortNames.length > 0 ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories !== undefined && r.categories.length > 0 ? { categories: [...r.categories] } : {}),
      storageVersionHash: Buffer.from(`${gv(r)}/${r.kind}`).toString("base64").slice(0, 11),
    });
    for (const sub of r.subresources) {
      const s = SUBRESOURCE_VERBS[sub] ?? { verbs: ["get"] };
      out.push({ name: `${r.plural}/${sub}`, singularName: "", namespaced: r.namespaced, kind: s.kind ?? r.kind, verbs: s.verbs });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources: out };
}
