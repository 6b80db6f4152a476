// create, update (PUT), patch and pods/binding, in the generic registry's order: type and name
// checks, mutating admission, strategy preparation, schema (fieldValidation), validation, then the
// write. Preconditions and messages as the real API server's (docs/REFERENCE.md §10).

import type { K8sObject, JsonObject } from "../k8s/types.js";
import { schemaChecked, typed, validated, generatedName } from "./checks.js";
import { Deletes } from "./deletes.js";
import { StatusError, alreadyExists, badRequest, conflict, invalid, invalidValue, notFound, required, staleVersion } from "./errors.js";
import { draft, jsonEqual } from "./freeze.js";
import { applyJsonPatch, decodeJsonPatch, isObject, mergePatch } from "./patch.js";
import { strategicMerge } from "./strategic.js";
import type { StoreCore } from "./store.js";
import type { Table } from "./table.js";
import { keyOf } from "./table.js";
import type { PatchType, Preconditions, WriteOptions, WriteResult } from "./types.js";

let lastMs = Number.NaN;
let lastText = "";
/** RFC 3339 with milliseconds; the last one is reused (many writes share a FakeClock instant). */
function timestamp(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastText = new Date(ms).toISOString();
  }
  return lastText;
}

export class Writes extends Deletes {
  constructor(core: StoreCore) {
    super(core);
  }

  create(t: Table, namespace: string, body: unknown, opts: WriteOptions): WriteResult {
    const { s } = t;
    const o = typed(s, body);
    setNamespace(o, this.namespaceFor(t, namespace, o));
    if ((o.metadata.resourceVersion ?? "") !== "") throw badRequest("resourceVersion should not be set on objects to be created");
    const clientUid = this.core.keepClientUid && typeof o.metadata.uid === "string" && o.metadata.uid !== "" ? o.metadata.uid : undefined;
    for (const k of ["uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "resourceVersion"]) delete o.metadata[k];
    s.defaults(o, "CREATE");
    const admitted = this.#admit(t, "CREATE", o, undefined, opts.dryRun === true);
    const now = this.core.clock.now();
    if (s.statusSubresource && s.statusOnCreate === "drop") delete admitted.status;
    s.prepareForCreate(admitted, { now, timestamp: timestamp(now) });
    admitted.metadata.creationTimestamp = timestamp(now);
    if (s.generation) admitted.metadata.generation = 1;
    else delete admitted.metadata.generation;
    const { object, warnings } = schemaChecked(s, admitted, opts.fieldValidation ?? "Warn");
    const ns = object.metadata.namespace ?? "";
    if (!object.metadata.name && object.metadata.generateName) object.metadata.name = this.#freeName(t, ns, object.metadata.generateName);
    validated(s, object, undefined);
    const name = object.metadata.name ?? "";
    if (t.objects.has(keyOf(ns, name))) throw alreadyExists(s.info.group, s.info.plural, name);
    if (t.objects.size >= this.core.limits.maxObjectsPerResource) {
      throw new StatusError("exhausted", `the store holds its limit of ${this.core.limits.maxObjectsPerResource} ${s.info.plural}`);
    }
    if (clientUid !== undefined && t.uids.has(clientUid)) {
      throw new StatusError("already-exists", `${s.info.plural} with uid ${clientUid} already exists (${t.uids.get(clientUid) ?? ""})`, { target: { group: s.info.group, kind: s.info.plural, name } });
    }
    object.metadata.uid = clientUid ?? this.core.newUid();
    if (opts.dryRun === true) return { object: draftResult(object), warnings };
    const stored = this.core.commit(t, "ADDED", object, undefined);
    this.afterCreate(t, stored);
    return { object: stored, warnings };
  }

  update(t: Table, namespace: string, name: string, body: unknown, opts: WriteOptions & { preconditions?: Preconditions }): WriteResult {
    const { s } = t;
    const o = typed(s, body);
    const bodyName = o.metadata.name ?? "";
    if (bodyName !== "" && bodyName !== name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    o.metadata.name = name;
    setNamespace(o, this.namespaceFor(t, namespace, o));
    const old = t.objects.get(keyOf(o.metadata.namespace ?? "", name));
    if (old === undefined) {
      if (!s.allowCreateOnUpdate || opts.subresource !== undefined) throw notFound(s.info.group, s.info.plural, name);
      delete o.metadata.resourceVersion;
      return this.create(t, namespace, o, opts);
    }
    this.#checkPreconditions(t, name, old, { uid: o.metadata.uid ?? "", resourceVersion: o.metadata.resourceVersion ?? "" });
    if (opts.preconditions !== undefined) this.#checkPreconditions(t, name, old, opts.preconditions);
    if ((o.metadata.resourceVersion ?? "") === "" && !s.allowUnconditionalUpdate) {
      throw invalid(s.info.group, s.info.kind, name, [invalidValue("metadata.resourceVersion", 0, "must be specified for an update")]);
    }
    let next: K8sObject;
    if (opts.subresource === "status") {
      if (!s.statusSubresource) throw notFound(s.info.group, `${s.info.plural}/status`, name);
      next = draft(old);
      if (o.status === undefined) delete next.status;
      else next.status = o.status;
    } else {
      next = this.#prepareUpdate(t, o, old, opts.dryRun === true);
    }
    const { object, warnings } = schemaChecked(s, next, opts.fieldValidation ?? "Warn");
    validated(s, object, old);
    if (s.generation && !jsonEqual(specOf(object), specOf(old))) object.metadata.generation = (old.metadata.generation ?? 0) + 1;
    object.metadata.resourceVersion = old.metadata.resourceVersion ?? "";
    // A no-op update writes nothing and keeps the version (GuaranteedUpdate compares the bytes).
    if (jsonEqual(object, old)) return { object: old, warnings };
    if (opts.dryRun === true) return { object: draftResult(object), warnings };
    if (this.finalizedNow(object)) return { object: this.core.commit(t, "DELETED", object, old), warnings };
    return { object: this.core.commit(t, "MODIFIED", object, old), warnings };
  }

  patch(t: Table, namespace: string, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { preconditions?: Preconditions }): WriteResult {
    const { s } = t;
    if (type === "strategic" && s.mergeKeys === undefined) {
      throw new StatusError("unsupported-media-type", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    }
    const old = t.objects.get(keyOf(s.info.namespaced ? namespace : "", name));
    if (old === undefined) throw notFound(s.info.group, s.info.plural, name);
    let patched: unknown;
    if (type === "json") patched = applyJsonPatch(old, decodeJsonPatch(patch));
    else {
      if (!isObject(patch)) throw badRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
      patched = type === "merge" ? mergePatch(old, patch) : strategicMerge(old, patch, s.mergeKeys ?? {});
    }
    if (!isObject(patched)) throw badRequest("the patch does not leave an object");
    // The patch's own metadata.uid / resourceVersion act as preconditions (they differ from the
    // stored ones only when the patch set them).
    return this.update(t, namespace, name, patched, opts);
  }

  bind(t: Table, namespace: string, binding: K8sObject, opts: { dryRun?: boolean }): K8sObject {
    const name = binding.metadata?.name ?? "";
    const target = isObject(binding.target) ? binding.target : {};
    const node = typeof target.name === "string" ? target.name : "";
    if (node === "") throw invalid("", "Binding", name, [required("target.name")]);
    const old = t.objects.get(keyOf(namespace, name));
    if (old === undefined) throw notFound("", "pods", name);
    const uid = binding.metadata.uid ?? "";
    if (uid !== "" && uid !== old.metadata.uid) throw conflict("", "pods/binding", name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid ?? ""}`);
    if (old.metadata.deletionTimestamp !== undefined) throw conflict("", "pods/binding", name, `pod ${name} is being deleted, cannot be assigned to a host`);
    const spec = isObject(old.spec) ? old.spec : {};
    if (typeof spec.nodeName === "string" && spec.nodeName !== "") throw conflict("", "pods/binding", name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    const next = draft(old);
    next.spec = { ...spec, nodeName: node };
    if (isObject(binding.metadata.annotations)) next.metadata.annotations = { ...old.metadata.annotations, ...binding.metadata.annotations };
    const status: JsonObject = isObject(old.status) ? old.status : {};
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !(isObject(c) && c.type === "PodScheduled"));
    next.status = { ...status, conditions: [...conditions, { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: timestamp(this.core.clock.now()) }] };
    if (opts.dryRun === true) return draftResult(next);
    return this.core.commit(t, "MODIFIED", next, old);
  }

  /** The main resource's update: system fields and (with a status subresource) .status from the old object. */
  #prepareUpdate(t: Table, o: K8sObject, old: K8sObject, dryRun: boolean): K8sObject {
    const { s } = t;
    for (const k of ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"]) {
      if (old.metadata[k] === undefined) delete o.metadata[k];
      else o.metadata[k] = old.metadata[k];
    }
    if (s.statusSubresource) {
      if (old.status === undefined) delete o.status;
      else o.status = old.status;
    }
    s.defaults(o, "UPDATE");
    const admitted = this.#admit(t, "UPDATE", o, old, dryRun);
    s.prepareForUpdate(admitted, old);
    return admitted;
  }

  #checkPreconditions(t: Table, name: string, old: K8sObject, p: Preconditions): void {
    const { group, plural } = t.s.info;
    if ((p.uid ?? "") !== "" && p.uid !== old.metadata.uid) throw conflict(group, plural, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${old.metadata.uid ?? ""}`);
    if ((p.resourceVersion ?? "") !== "" && p.resourceVersion !== old.metadata.resourceVersion) throw staleVersion(group, plural, name);
  }

  /** Mutating admission hooks, then decoding defaults again (as after a webhook's patch). */
  #admit(t: Table, op: "CREATE" | "UPDATE", o: K8sObject, old: K8sObject | undefined, dryRun: boolean): K8sObject {
    const hooks = this.core.hooks(t).filter((h) => h.ops.includes(op));
    if (hooks.length === 0) return o;
    let cur = o;
    for (const h of hooks) cur = typed(t.s, h.hook(op, structuredClone(cur), old, { dryRun }));
    t.s.defaults(cur, op);
    return cur;
  }

  #freeName(t: Table, namespace: string, prefix: string): string {
    for (let i = 0; i < 8; i++) {
      const name = generatedName(prefix, this.core.random);
      if (!t.objects.has(keyOf(namespace, name))) return name;
    }
    throw alreadyExists(t.s.info.group, t.s.info.plural, `${prefix}(generated)`);
  }
}

function setNamespace(o: K8sObject, ns: string | undefined): void {
  if (ns === undefined) delete o.metadata.namespace;
  else o.metadata.namespace = ns;
}

/** Everything but metadata and status: what metadata.generation counts. */
function specOf(o: K8sObject): JsonObject {
  const { metadata: _m, status: _s, ...rest } = o;
  void _m;
  void _s;
  return rest;
}

/** A dry-run result: the object as it would be stored, frozen like a stored one. */
function draftResult(o: K8sObject): K8sObject {
  return Object.freeze(structuredClone(o));
}
