// One resource over the Kubernetes REST API: URL paths from the resource's group, version and
// scope; list in pages (client-go's pager, 500 a page); merge patches with the preconditions in the
// patch's metadata; every call with a deadline; replies parsed into the typed view at this edge.

import { HarnessError, isHarnessError } from "../../../common/errors.js";
import type { ResourceDef } from "../../k8s/resources.js";
import type { K8sObject } from "../../k8s/types.js";
import type { CallOptions, ClientListOptions, ObjectIdentity, ObjectRef, ResourceClient } from "../types.js";
import type { KubeHttp } from "./http.js";
import type { OnInvalid } from "./watch.js";
import { openWatch } from "./watch.js";

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
export const DEFAULT_LIST_TIMEOUT_MS = 60_000;
const PAGE = 500;

export function collectionPath(r: ResourceDef, namespace: string): string {
  const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespaced && namespace !== "" ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${prefix}/${r.plural}`;
}

export function itemPath(r: ResourceDef, ref: ObjectRef, subresource?: string): string {
  return `${collectionPath(r, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource === undefined ? "" : `/${subresource}`}`;
}

const selectQuery = (o: ClientListOptions): Record<string, string | undefined> => ({ labelSelector: o.labelSelector, fieldSelector: o.fieldSelector });

export function kubeResource<T extends ObjectIdentity, W extends K8sObject>(
  http: KubeHttp, r: ResourceDef, parse: (v: unknown) => T, onInvalid: OnInvalid, rng: () => number = Math.random,
): ResourceClient<T, W> {
  const who = (ref: ObjectRef): string => `${r.plural} ${ref.namespace === "" ? "" : `${ref.namespace}/`}${ref.name}`;
  const timeout = (o: CallOptions | undefined, d = DEFAULT_CALL_TIMEOUT_MS): number => o?.timeoutMs ?? d;
  const signal = (o: CallOptions | undefined): { signal?: AbortSignal } => (o?.signal === undefined ? {} : { signal: o.signal });

  return {
    async get(ref, opts) {
      try {
        return parse(await http.json({ method: "GET", path: itemPath(r, ref), timeoutMs: timeout(opts), ...signal(opts), what: `GET ${who(ref)}` }));
      } catch (e) {
        if (isHarnessError(e) && e.kind === "not-found") return undefined;
        throw e;
      }
    },
    async list(opts = {}) {
      const items: T[] = [];
      let cont: string | undefined;
      let rv = "";
      do {
        const page = (await http.json({
          method: "GET", path: collectionPath(r, opts.namespace ?? ""), query: { ...selectQuery(opts), limit: PAGE, continue: cont },
          timeoutMs: timeout(opts, DEFAULT_LIST_TIMEOUT_MS), ...signal(opts), what: `LIST ${r.plural}`,
        })) as { items?: unknown; metadata?: { resourceVersion?: unknown; continue?: unknown } };
        for (const raw of Array.isArray(page.items) ? page.items : []) {
          try {
            items.push(parse(raw));
          } catch (e) {
            onInvalid(e, raw);
          }
        }
        rv = typeof page.metadata?.resourceVersion === "string" ? page.metadata.resourceVersion : rv;
        cont = typeof page.metadata?.continue === "string" && page.metadata.continue !== "" ? page.metadata.continue : undefined;
      } while (cont !== undefined);
      return { items, resourceVersion: rv };
    },
    watch(opts, fn) {
      return openWatch(http, {
        path: collectionPath(r, opts.namespace ?? ""),
        query: { ...selectQuery(opts), resourceVersion: opts.resourceVersion, allowWatchBookmarks: opts.allowBookmarks === true ? true : undefined },
        // client-go's reflector: a random timeout between 5 and 10 minutes spreads the relists.
        timeoutSeconds: Math.floor(300 * (1 + rng())),
        what: `WATCH ${r.plural}`,
      }, parse, fn, onInvalid);
    },
    async create(object, opts) {
      const ns = object.metadata.namespace ?? "";
      const ref = { namespace: ns, name: object.metadata.name ?? object.metadata.generateName ?? "" };
      return parse(await http.json({ method: "POST", path: collectionPath(r, ns), body: object, timeoutMs: timeout(opts), ...signal(opts), what: `POST ${who(ref)}` }));
    },
    async patch(ref, patch, opts = {}) {
      const meta = { ...((patch.metadata as Record<string, unknown> | undefined) ?? {}) };
      // The preconditions go in the patch, as the real components send them.
      if (opts.uid !== undefined) meta.uid = opts.uid;
      if (opts.resourceVersion !== undefined) meta.resourceVersion = opts.resourceVersion;
      const body = Object.keys(meta).length === 0 ? patch : { ...patch, metadata: meta };
      try {
        return parse(await http.json({
          method: "PATCH", path: itemPath(r, ref, opts.subresource), body, contentType: "application/merge-patch+json",
          timeoutMs: timeout(opts), ...signal(opts), what: `PATCH ${who(ref)}${opts.subresource === undefined ? "" : `/${opts.subresource}`}`,
        }));
      } catch (e) {
        throw uidMismatch(e, opts.uid) ?? e;
      }
    },
    async delete(ref, opts = {}) {
      const body = {
        apiVersion: "v1", kind: "DeleteOptions",
        ...(opts.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: opts.gracePeriodSeconds }),
        ...(opts.uid === undefined ? {} : { preconditions: { uid: opts.uid } }),
      };
      await http.json({ method: "DELETE", path: itemPath(r, ref), body, timeoutMs: timeout(opts), ...signal(opts), what: `DELETE ${who(ref)}` });
    },
  };
}

/**
 * A merge patch carrying another object's uid fails validation (metadata.uid is immutable, 422):
 * for the seam that is the failed UID precondition, a conflict (the pod was deleted and recreated).
 */
function uidMismatch(e: unknown, uid: string | undefined): HarnessError | undefined {
  if (uid === undefined || !isHarnessError(e) || e.kind !== "invalid") return undefined;
  if (!(e.causes ?? []).some((c) => c.field === "metadata.uid") && !e.message.includes("metadata.uid")) return undefined;
  return new HarnessError("conflict", `Precondition failed: UID in precondition: ${uid}: ${e.message}`, { cause: e });
}
