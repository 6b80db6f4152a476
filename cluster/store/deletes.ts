// delete and what writes share with it: graceful deletion (deletionTimestamp and
// deletionGracePeriodSeconds set, MODIFIED; the final delete with grace 0 removes the object),
// finalizers, preconditions, namespaces (must exist; deleting one deletes what it holds; default,
// kube-system and kube-public cannot be deleted). apiserver pkg/registry/rest/delete.go,
// pkg/registry/generic/registry/store.go; docs/REFERENCE.md §10.

import type { K8sObject } from "../k8s/types.js";
import { StatusError, badRequest, conflict, notFound } from "./errors.js";
import { draft } from "./freeze.js";
import type { StoreCore } from "./store.js";
import type { Table } from "./table.js";
import { keyOf } from "./table.js";
import type { DeleteOptions, Preconditions } from "./types.js";

/** Namespaces the API server never deletes (its lifecycle admission plugin). */
const IMMORTAL = new Set(["default", "kube-system", "kube-public"]);

export class Deletes {
  protected readonly core: StoreCore;

  constructor(core: StoreCore) {
    this.core = core;
  }

  delete(t: Table, namespace: string, name: string, opts: DeleteOptions): K8sObject {
    const { s } = t;
    const key = keyOf(s.info.namespaced ? namespace : "", name);
    const old = t.objects.get(key);
    if (old === undefined) throw notFound(s.info.group, s.info.plural, name);
    if (opts.preconditions !== undefined) this.checkDeletePreconditions(t, name, old, opts.preconditions);
    if (s.info.group === "" && s.info.plural === "namespaces") return this.#deleteNamespace(t, old, opts.dryRun === true);
    const grace = s.gracePeriod(old, opts.gracePeriodSeconds);
    const finalizers = old.metadata.finalizers ?? [];
    if (grace === 0 && finalizers.length === 0) {
      return opts.dryRun === true ? old : this.core.commit(t, "DELETED", draft(old), old);
    }
    const pending = old.metadata.deletionTimestamp !== undefined;
    // A second delete only ever shortens the grace period (BeforeDelete).
    if (pending && grace >= (old.metadata.deletionGracePeriodSeconds ?? 0)) return old;
    const next = draft(old);
    next.metadata.deletionTimestamp = new Date(this.core.clock.now() + grace * 1000).toISOString();
    next.metadata.deletionGracePeriodSeconds = grace;
    if (opts.dryRun === true) return Object.freeze(structuredClone(next));
    return this.core.commit(t, "MODIFIED", next, old);
  }

  /** Preconditions of a delete (DeleteOptions.preconditions): the real "Precondition failed" texts. */
  protected checkDeletePreconditions(t: Table, name: string, old: K8sObject, p: Preconditions): void {
    const { group, plural } = t.s.info;
    if ((p.uid ?? "") !== "" && p.uid !== old.metadata.uid) {
      throw conflict(group, plural, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${old.metadata.uid ?? ""}`);
    }
    if ((p.resourceVersion ?? "") !== "" && p.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(group, plural, name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ""}`);
    }
  }

  /** An update that removed the last finalizer of an object whose deletion is due deletes it. */
  protected finalizedNow(o: K8sObject): boolean {
    return o.metadata.deletionTimestamp !== undefined && (o.metadata.finalizers ?? []).length === 0 && (o.metadata.deletionGracePeriodSeconds ?? 0) === 0;
  }

  /** The namespace an object goes to: the request's, the body's (they must agree), none when cluster-scoped. */
  protected namespaceFor(t: Table, requested: string, o: K8sObject): string | undefined {
    if (!t.s.info.namespaced) return undefined;
    const body = o.metadata.namespace ?? "";
    if (body !== "" && requested !== "" && body !== requested) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    const ns = requested !== "" ? requested : body;
    if (ns !== "" && this.core.tableByPlural("", "namespaces")?.objects.has(ns) !== true) throw notFound("", "namespaces", ns);
    return ns;
  }

  /** What the serviceaccounts controller does when a namespace appears: its "default" account. */
  protected afterCreate(t: Table, o: K8sObject): void {
    if (t.s.info.group !== "" || t.s.info.plural !== "namespaces") return;
    const sa = this.core.tableByPlural("", "serviceaccounts");
    const ns = o.metadata.name ?? "";
    if (sa === undefined || sa.objects.has(keyOf(ns, "default"))) return;
    const now = new Date(this.core.clock.now()).toISOString();
    this.core.commit(sa, "ADDED", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns, uid: this.core.newUid(), creationTimestamp: now } }, undefined);
  }

  /**
   * Deleting a namespace deletes every object in it at once, then the namespace (the namespace
   * controller's work, done synchronously here instead of through a Terminating phase).
   */
  #deleteNamespace(t: Table, ns: K8sObject, dryRun: boolean): K8sObject {
    const name = ns.metadata.name ?? "";
    if (IMMORTAL.has(name)) throw new StatusError("forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`, { target: { group: "", kind: "namespaces", name } });
    if (dryRun) return ns;
    for (const other of this.core.tables()) {
      if (!other.s.info.namespaced) continue;
      for (const o of [...other.objects.values()]) {
        if (o.metadata.namespace === name) this.core.commit(other, "DELETED", draft(o), o);
      }
    }
    return this.core.commit(t, "DELETED", draft(ns), ns);
  }
}
