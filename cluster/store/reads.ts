// list and watch: selectors parsed once, lists in key order with limit/continue, watches from a
// version (replayed from the resource's history), from "0"/unset (synthetic ADDED for what exists),
// 410 Expired below the history and a Timeout for a version the store has not reached.

import { HarnessError } from "../../common/errors.js";
import type { K8sObject } from "../k8s/types.js";
import { StatusError, badRequest } from "./errors.js";
import { parseFieldSelector } from "./fields.js";
import { parseLabelSelector } from "./labels.js";
import type { StoreCore } from "./store.js";
import type { Table } from "./table.js";
import type { ListOptions, ListResult, SelectorOptions, StoreWatch, StoreWatchEvent, WatchOptions } from "./types.js";
import type { Watcher } from "./watchers.js";
import { eventFor, matches } from "./watchers.js";

type Filter = Pick<Watcher, "table" | "namespace" | "labels" | "fields">;

function filterOf(t: Table, opts: SelectorOptions): Filter {
  return {
    table: t,
    namespace: t.s.info.namespaced ? opts.namespace ?? "" : "",
    labels: parseLabelSelector(opts.labelSelector ?? ""),
    fields: parseFieldSelector(opts.fieldSelector ?? "", t.s.fields, t.s.custom),
  };
}

/** continue tokens: base64 of {"rv","start"} as the real server's (opaque to clients). */
function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: `${lastKey}\u0000` })).toString("base64url");
}

function decodeContinue(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { start?: unknown }).start === "string") return (parsed as { start: string }).start;
  } catch {
    // fall through to the error below
  }
  throw badRequest(`continue key is not valid: ${JSON.stringify(token)}`);
}

function parseVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  return Number(rv);
}

export class Reads {
  readonly #core: StoreCore;
  #watchers = 0;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  list(t: Table, opts: ListOptions): ListResult {
    const f = filterOf(t, opts);
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
    const start = opts.continue !== undefined && opts.continue !== "" ? decodeContinue(opts.continue) : "";
    const keys = t.sortedKeys();
    const items: K8sObject[] = [];
    let i = start === "" ? 0 : lowerBound(keys, start);
    for (; i < keys.length; i++) {
      const o = t.objects.get(keys[i] ?? "");
      if (o === undefined || !matches(f, o)) continue;
      if (items.length === limit) break;
      items.push(o);
    }
    const rv = this.#core.rv();
    const last = items[items.length - 1];
    const more = i < keys.length && last !== undefined;
    return { items, resourceVersion: String(rv), ...(more ? { continue: encodeContinue(rv, keys[i - 1] ?? "") } : {}) };
  }

  watch(t: Table, opts: WatchOptions, fn: (e: StoreWatchEvent) => void): StoreWatch {
    if (this.#watchers >= this.#core.limits.maxWatchers) {
      throw new StatusError("too-many-requests", `too many open watches (the store's limit is ${this.#core.limits.maxWatchers})`, { retryAfterSeconds: 1 });
    }
    const f = filterOf(t, opts);
    const current = this.#core.rv();
    const w: Watcher = { ...f, bookmarks: opts.allowWatchBookmarks === true, fn, startRv: current, stopped: false };
    const initial = this.#initial(t, w, opts.resourceVersion ?? "", current);
    this.#watchers++;
    this.#core.hub.attach(w, initial);
    let stopped = false;
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        w.stopped = true;
        t.watchers.delete(w);
        this.#watchers--;
      },
      bookmark: () => {
        if (!w.stopped) this.#core.hub.bookmark(w, this.#core.rv());
      },
    };
  }

  #initial(t: Table, w: Watcher, rvText: string, current: number): StoreWatchEvent[] {
    if (rvText === "" || rvText === "0") {
      const out: StoreWatchEvent[] = [];
      for (const key of t.sortedKeys()) {
        const o = t.objects.get(key);
        if (o !== undefined && matches(w, o)) out.push({ type: "ADDED", object: o });
      }
      return out;
    }
    const from = parseVersion(rvText);
    if (from > current) {
      throw new StatusError("deadline", `Too large resource version: ${from}, current: ${current}`, {
        causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version", field: "" }],
        retryAfterSeconds: 1,
      });
    }
    if (from < t.evictedUpTo()) throw new HarnessError("expired", `too old resource version: ${from} (${t.evictedUpTo()})`);
    const replay = { ...w, startRv: from };
    const out: StoreWatchEvent[] = [];
    for (const c of t.since(from)) {
      const e = eventFor(replay, c);
      if (e !== undefined) out.push(e);
    }
    return out;
  }
}

/** The first index whose key is >= k (keys sorted). */
function lowerBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((keys[mid] ?? "") < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
