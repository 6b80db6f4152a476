// Server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` gets a meta/v1 Table
// with the columns kubectl shows (pkg/printers/internalversion/printers.go; for custom resources
// the CRD's additionalPrinterColumns). Rows carry every column; kubectl hides priority > 0 ones
// unless -o wide.

import type { K8sObject } from "../cluster/k8s/types.js";
import type { ResourceInfo } from "../cluster/store/index.js";
import { ageOf } from "./age.js";
import { printPod, podColumns } from "./table-pods.js";

export interface Column {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  priority?: number;
  description?: string;
}

export interface Printer {
  columns: readonly Column[];
  cells(o: K8sObject, now: number): unknown[];
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const NAME: Column = { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace." };
const AGE: Column = { name: "Age", type: "string", description: "CreationTimestamp is a timestamp representing the server time when this object was created." };

function nodeStatus(o: K8sObject): string {
  const conds = (rec(o.status).conditions ?? []) as Record<string, unknown>[];
  const ready = conds.find((c) => c.type === "Ready");
  let s = ready === undefined ? "Unknown" : ready.status === "True" ? "Ready" : ready.status === "False" ? "NotReady" : "Unknown";
  if (rec(o.spec).unschedulable === true) s += ",SchedulingDisabled";
  return s;
}

function nodeRoles(o: K8sObject): string {
  const roles = Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith("node-role.kubernetes.io/")).map((k) => k.slice("node-role.kubernetes.io/".length)).filter((r) => r !== "");
  return roles.length === 0 ? "<none>" : roles.sort().join(",");
}

const address = (o: K8sObject, type: string): string => ((rec(o.status).addresses ?? []) as Record<string, unknown>[]).find((a) => a.type === type)?.address as string | undefined ?? "<none>";

const NODES: Printer = {
  columns: [NAME, { name: "Status", type: "string" }, { name: "Roles", type: "string" }, AGE, { name: "Version", type: "string" },
    { name: "Internal-IP", type: "string", priority: 1 }, { name: "External-IP", type: "string", priority: 1 }, { name: "OS-Image", type: "string", priority: 1 },
    { name: "Kernel-Version", type: "string", priority: 1 }, { name: "Container-Runtime", type: "string", priority: 1 }],
  cells: (o, now) => {
    const info = rec(rec(o.status).nodeInfo);
    const v = (k: string): string => str(info[k]) || "<unknown>";
    return [o.metadata.name, nodeStatus(o), nodeRoles(o), ageOf(o.metadata.creationTimestamp, now), str(info.kubeletVersion), address(o, "InternalIP"), address(o, "ExternalIP"), v("osImage"), v("kernelVersion"), v("containerRuntimeVersion")];
  },
};

/** printEvent: "Last Seen" shows "(xN over T)" through kubectl; the server sends the parts. */
const EVENTS: Printer = {
  columns: [{ name: "Last Seen", type: "string" }, { name: "Type", type: "string" }, { name: "Reason", type: "string" }, { name: "Object", type: "string" },
    { name: "Subobject", type: "string", priority: 1 }, { name: "Source", type: "string", priority: 1 }, { name: "Message", type: "string" },
    { name: "First Seen", type: "string", priority: 1 }, { name: "Count", type: "string", priority: 1 }, { name: "Name", type: "string", priority: 1, format: "name" }],
  cells: (o, now) => {
    const first = ageOf(o.firstTimestamp ?? o.eventTime, now);
    const last = o.lastTimestamp === undefined || o.lastTimestamp === null ? first : ageOf(o.lastTimestamp, now);
    const inv = rec(o.involvedObject);
    const target = str(inv.name) === "" ? str(inv.kind).toLowerCase() : `${str(inv.kind).toLowerCase()}/${str(inv.name)}`;
    const src = rec(o.source);
    const source = str(src.component) === "" ? str(o.reportingComponent) : str(src.host) === "" ? str(src.component) : `${str(src.component)}, ${str(src.host)}`;
    const count = typeof o.count === "number" && o.count > 0 ? o.count : 1;
    return [last, o.type, o.reason, target, str(inv.fieldPath), source, str(o.message).trim(), first, count, o.metadata.name];
  },
};

const NAMESPACES: Printer = {
  columns: [NAME, { name: "Status", type: "string" }, AGE],
  cells: (o, now) => [o.metadata.name, str(rec(o.status).phase), ageOf(o.metadata.creationTimestamp, now)],
};

/** A CRD's additionalPrinterColumns: scalars as they are, lists and maps as JSON (as kubectl shows them). */
function crdPrinter(column: Column, path: (o: K8sObject) => unknown): Printer {
  return {
    columns: [NAME, column, AGE],
    cells: (o, now) => {
      const v = path(o);
      return [o.metadata.name, v === undefined ? "<none>" : typeof v === "object" ? JSON.stringify(v) : v, ageOf(o.metadata.creationTimestamp, now)];
    },
  };
}

const PRINTERS: Readonly<Record<string, Printer>> = {
  "/pods": { columns: podColumns, cells: printPod },
  "/nodes": NODES,
  "/events": EVENTS,
  "/namespaces": NAMESPACES,
  "vpcresources.k8s.aws/securitygrouppolicies": crdPrinter({ name: "Security-Group-Ids", type: "string", description: "The security group IDs to apply to the elastic network interface of pods that match this policy" }, (o) => rec(rec(o.spec).securityGroups).groupIds),
  "vpcresources.k8s.aws/cninodes": crdPrinter({ name: "Features", type: "string", description: "The features delegated to VPC resource controller" }, (o) => rec(o.spec).features),
};

const DEFAULT: Printer = { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, ageOf(o.metadata.creationTimestamp, now)] };

export const printerFor = (i: ResourceInfo): Printer => PRINTERS[`${i.group}/${i.plural}`] ?? DEFAULT;

export type IncludeObject = "None" | "Metadata" | "Object";

function rowObject(o: K8sObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return o;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
}

export function toTable(i: ResourceInfo, objects: readonly K8sObject[], meta: Record<string, unknown>, now: number, include: IncludeObject): unknown {
  const p = printerFor(i);
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: meta,
    columnDefinitions: p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? "", description: c.description ?? "", priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({ cells: p.cells(o, now), object: rowObject(o, include) })),
  };
}
