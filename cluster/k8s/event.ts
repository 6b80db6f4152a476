// core/v1 Event: the typed view, its projection to the harness's ClusterEvent (timeline, printers),
// and the builder the event recorder creates from. Our classification and attributes (the harness's
// additions, docs/ARCHITECTURE.md "Classification") travel as annotations on the Event, so a real
// API server stores them and kubectl shows the real fields untouched.

import { HarnessError } from "../../common/errors.js";
import { formatTime, invalidField, object, optNum, optObject, optStr, optTime, str } from "./fields.js";
import type { MetaView } from "./meta.js";
import { readMeta } from "./meta.js";
import type { K8sEvent } from "./types.js";

export const CLASSIFICATION_ANNOTATION = "vpc-cni-harness/classification";
export const ATTRIBUTES_ANNOTATION = "vpc-cni-harness/attributes";

export type EventType = "Normal" | "Warning";
export type FailureClass = "transient-expected" | "real" | "";

export interface InvolvedObject {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** The event as the harness shows and judges it (timeline, printers, expectations). */
export interface ClusterEvent {
  type: EventType;
  reason: string;
  message: string;
  involvedObject: InvolvedObject;
  /** source.component */
  source: string;
  firstTimestamp: number;
  lastTimestamp: number;
  count: number;
  classification: FailureClass;
  attributes: Readonly<Record<string, string>>;
}

/** The typed view of a stored Event: identity plus what the harness shows. */
export interface EventObject extends MetaView, ClusterEvent {
  /** source.host (kubelet's node). */
  host: string;
}

export function parseEvent(v: unknown): EventObject {
  const { meta, what, o } = readMeta(v, "Event");
  const io = object(o.involvedObject, what, "involvedObject");
  const src = optObject(o.source, what, "source") ?? {};
  const type = str(o.type ?? "Normal", what, "type");
  if (type !== "Normal" && type !== "Warning") throw invalidField(what, "type", `must be Normal or Warning, got "${type}"`);
  const first = optTime(o.firstTimestamp, what, "firstTimestamp") ?? optTime(o.eventTime, what, "eventTime") ?? meta.createdAt;
  return {
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    labels: meta.labels,
    annotations: meta.annotations,
    createdAt: meta.createdAt,
    deletedAt: meta.deletedAt,
    deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds,
    type,
    reason: optStr(o.reason, what, "reason"),
    message: optStr(o.message, what, "message"),
    involvedObject: {
      kind: optStr(io.kind, what, "involvedObject.kind"),
      namespace: optStr(io.namespace, what, "involvedObject.namespace"),
      name: optStr(io.name, what, "involvedObject.name"),
      uid: optStr(io.uid, what, "involvedObject.uid"),
    },
    source: optStr(src.component, what, "source.component") || optStr(o.reportingComponent, what, "reportingComponent"),
    host: optStr(src.host, what, "source.host"),
    firstTimestamp: first,
    lastTimestamp: optTime(o.lastTimestamp, what, "lastTimestamp") ?? first,
    count: optNum(o.count, what, "count") ?? 1,
    classification: classificationOf(meta.annotations[CLASSIFICATION_ANNOTATION]),
    attributes: attributesOf(meta.annotations[ATTRIBUTES_ANNOTATION], what),
  };
}

function classificationOf(v: string | undefined): FailureClass {
  return v === "transient-expected" || v === "real" ? v : "";
}

/** Attributes are ours: a malformed value (someone else's edit) is dropped, not a parse failure. */
function attributesOf(v: string | undefined, _what: string): Readonly<Record<string, string>> {
  if (v === undefined || v === "") return EMPTY;
  try {
    const parsed: unknown = JSON.parse(v);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return EMPTY;
    return Object.freeze(Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string")));
  } catch {
    return EMPTY;
  }
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** The harness's projection: exactly the ClusterEvent fields (what printers and timelines show). */
export function clusterEvent(e: EventObject): ClusterEvent {
  return {
    type: e.type,
    reason: e.reason,
    message: e.message,
    involvedObject: { kind: e.involvedObject.kind, namespace: e.involvedObject.namespace, name: e.involvedObject.name, uid: e.involvedObject.uid },
    source: e.source,
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
    count: e.count,
    classification: e.classification,
    attributes: e.attributes,
  };
}

/** One occurrence, as a component reports it (the recorder stamps, names and aggregates it). */
export interface NewEvent {
  type: EventType;
  reason: string;
  message: string;
  involvedObject: InvolvedObject;
  /** source.component; the recorder's own when absent. */
  source?: string;
  /** source.host (kubelet: its node). */
  host?: string;
  /** When it happened; the recorder's clock when absent. */
  timestamp?: number;
  classification?: FailureClass;
  attributes?: Record<string, string>;
}

/** The annotations that carry our additions ({} when there are none). */
export function eventAnnotations(classification: FailureClass | undefined, attributes: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const a: Record<string, string> = {};
  if (classification !== undefined && classification !== "") a[CLASSIFICATION_ANNOTATION] = classification;
  if (attributes !== undefined && Object.keys(attributes).length > 0) a[ATTRIBUTES_ANNOTATION] = JSON.stringify(attributes);
  return a;
}

/** A new core/v1 Event named `name` (the recorder picks `<involvedObject.name>.<hex>`). */
export function buildEvent(name: string, e: NewEvent & { source: string; timestamp: number }, count = 1, first = e.timestamp): K8sEvent {
  if (e.involvedObject.name === "") throw new HarnessError("invalid-argument", `event ${e.reason}: involvedObject.name is empty`);
  const annotations = eventAnnotations(e.classification, e.attributes);
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name,
      // Events live in their object's namespace; cluster-scoped objects' events in "default".
      namespace: e.involvedObject.namespace === "" ? "default" : e.involvedObject.namespace,
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    involvedObject: {
      kind: e.involvedObject.kind,
      ...(e.involvedObject.namespace === "" ? {} : { namespace: e.involvedObject.namespace }),
      name: e.involvedObject.name,
      ...(e.involvedObject.uid === "" ? {} : { uid: e.involvedObject.uid }),
      apiVersion: "v1",
    },
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: { component: e.source, ...(e.host === undefined || e.host === "" ? {} : { host: e.host }) },
    count,
    firstTimestamp: formatTime(first),
    lastTimestamp: formatTime(e.timestamp),
    eventTime: null,
    reportingComponent: e.source,
    reportingInstance: e.host ?? "",
  };
}
