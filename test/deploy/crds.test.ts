// deploy/crds.yaml (what kind gets) and the embedded API server's CRDs (cluster/store: the schemas
// that prune and validate SGPs and CNINodes here) are one definition: names, scope, versions,
// subresources, the whole openAPIV3Schema (descriptions aside) and the printer columns agree.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { printerFor } from "../../apiserver/table.js";
import type { K8sObject } from "../../cluster/k8s/types.js";
import { CNINODES, SGP, crdObject } from "../../cluster/store/resources/index.js";
import type { Schema } from "../../cluster/store/schema.js";
import { CNINODE_SCHEMA, SGP_SCHEMA } from "../../cluster/store/schemas.js";
import type { Strategy } from "../../cluster/store/strategy.js";
import { DEPLOY_DIR } from "./parts.js";

interface Column { name: string; type: string; jsonPath: string; description?: string }
interface Version { name: string; served: boolean; storage: boolean; subresources?: Record<string, unknown>; additionalPrinterColumns?: Column[]; schema: { openAPIV3Schema: Schema } }
interface Crd { apiVersion: string; kind: string; metadata: { name: string }; spec: { group: string; names: Record<string, unknown>; scope: string; versions: Version[] } }

/** The schema without descriptions (prose, ours in the YAML, none in the store). */
function structural(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(structural);
  if (typeof s !== "object" || s === null) return s;
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== "description").map(([k, v]) => [k, structural(v)]));
}

/** A CRD's metadata is `type: object` (the server owns ObjectMeta); the store spells ObjectMeta out for built-in pruning. */
function asCrdSchema(s: Schema): Schema {
  return { ...s, properties: { ...s.properties, metadata: { type: "object" } } };
}

/** The jsonPath of a printer column (a plain .a.b.c path here). */
function pick(o: unknown, path: string): unknown {
  return path.split(".").filter((p) => p !== "").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), o);
}

const loaded = readFile(join(DEPLOY_DIR, "crds.yaml"), "utf8").then((t) => parseAllDocuments(t).map((d) => d.toJSON() as Crd));

describe.each([
  { plural: "securitygrouppolicies", strategy: SGP, schema: SGP_SCHEMA, sample: { spec: { securityGroups: { groupIds: ["sg-0123456789abcdef0"] } } } },
  { plural: "cninodes", strategy: CNINODES, schema: CNINODE_SCHEMA, sample: { spec: { features: [{ name: "SecurityGroupsForPods" }] } } },
])("deploy/crds.yaml: $plural", ({ plural, strategy, schema, sample }: { plural: string; strategy: Strategy; schema: Schema; sample: Record<string, unknown> }) => {
  const store = crdObject(strategy, schema) as unknown as Crd;

  it("has the embedded server's name, group, names, scope, version and subresources", async () => {
    const crd = (await loaded).find((c) => c.spec.names.plural === plural);
    expect(crd?.apiVersion).toBe("apiextensions.k8s.io/v1");
    expect(crd?.kind).toBe("CustomResourceDefinition");
    expect(crd?.metadata.name).toBe(store.metadata.name);
    expect(crd?.spec.group).toBe(store.spec.group);
    expect(crd?.spec.names).toEqual(store.spec.names);
    expect(crd?.spec.scope).toBe(store.spec.scope);
    const [v] = crd?.spec.versions ?? [];
    const [sv] = store.spec.versions;
    expect(crd?.spec.versions).toHaveLength(1);
    expect({ name: v?.name, served: v?.served, storage: v?.storage, subresources: v?.subresources }).toEqual({ name: sv?.name, served: true, storage: true, subresources: sv?.subresources });
  });

  it("has the embedded server's schema, field by field", async () => {
    const v = (await loaded).find((c) => c.spec.names.plural === plural)?.spec.versions[0];
    expect(structural(v?.schema.openAPIV3Schema)).toEqual(structural(asCrdSchema(schema)));
  });

  it("prints the column the embedded server prints for `kubectl get`", async () => {
    const v = (await loaded).find((c) => c.spec.names.plural === plural)?.spec.versions[0];
    const cols = v?.additionalPrinterColumns ?? [];
    const printer = printerFor(strategy.info);
    expect(cols.map((c) => c.name)).toEqual(printer.columns.slice(1, -1).map((c) => c.name));
    const object = { apiVersion: "vpcresources.k8s.aws/v1", kind: strategy.info.kind, metadata: { name: "x", creationTimestamp: new Date(0).toISOString() }, ...sample } as K8sObject;
    const cell = printer.cells(object, 0)[1];
    expect(JSON.stringify(pick(object, cols[0]?.jsonPath ?? ""))).toBe(cell);
  });
});

describe("deploy/crds.yaml", () => {
  it("holds exactly the two CRDs the controller and ipamd use", async () => {
    expect((await loaded).map((c) => c.metadata.name)).toEqual(["securitygrouppolicies.vpcresources.k8s.aws", "cninodes.vpcresources.k8s.aws"]);
  });
});
