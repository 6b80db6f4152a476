// metadata of any wire object, parsed once: identity (namespace, name, uid, opaque
// resourceVersion), labels, annotations and the timestamps the views carry as epoch ms.
// The parsers copy these fields into their views one by one, never with a spread: V8 builds a
// literal with a known shape fast, while `{ ...meta, ...more }` of this size took ~40 µs a view.

import type { ObjectIdentity } from "../client/types.js";
import { invalidField, isObject, object, optNum, optStr, optTime, str, strMap } from "./fields.js";

export interface MetaView extends ObjectIdentity {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  createdAt: number;
  deletedAt: number | undefined;
  deletionGracePeriodSeconds: number | undefined;
}

/** `Pod ns/name` or `Node name`, for error texts. */
export function describeObject(kind: string, v: unknown): string {
  const m = isObject(v) && isObject(v.metadata) ? v.metadata : {};
  const ns = typeof m.namespace === "string" && m.namespace !== "" ? `${m.namespace}/` : "";
  return `${kind} ${ns}${typeof m.name === "string" ? m.name : "(no name)"}`;
}

/**
 * Checks the envelope (an object; kind, when present, is `kind`: list items from a real API server
 * carry none) and parses metadata. Returns the view's common part and the `what` for later errors.
 */
export function readMeta(v: unknown, kind: string): { meta: MetaView; what: string; o: Record<string, unknown> } {
  const what = describeObject(kind, v);
  if (!isObject(v)) throw invalidField(what, "(root)", "must be an object");
  if (v.kind !== undefined && v.kind !== kind) throw invalidField(what, "kind", `must be "${kind}", got ${JSON.stringify(v.kind)}`);
  const m = object(v.metadata, what, "metadata");
  const meta: MetaView = {
    namespace: optStr(m.namespace, what, "metadata.namespace"),
    name: str(m.name, what, "metadata.name"),
    uid: optStr(m.uid, what, "metadata.uid"),
    resourceVersion: optStr(m.resourceVersion, what, "metadata.resourceVersion"),
    labels: strMap(m.labels, what, "metadata.labels"),
    annotations: strMap(m.annotations, what, "metadata.annotations"),
    createdAt: optTime(m.creationTimestamp, what, "metadata.creationTimestamp") ?? 0,
    deletedAt: optTime(m.deletionTimestamp, what, "metadata.deletionTimestamp"),
    deletionGracePeriodSeconds: optNum(m.deletionGracePeriodSeconds, what, "metadata.deletionGracePeriodSeconds"),
  };
  return { meta, what, o: v };
}
