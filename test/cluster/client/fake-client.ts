// A hand-written ResourceClient of plain objects with a version counter and a change history, so
// informer tests can close, expire or fail a watch at will and see what the informer asks for.

import { HarnessError } from "../../../common/errors.js";
import type { ClientWatchEvent, ObjectIdentity, ResourceClient, WatchEnd, WatchHandle } from "../../../cluster/client/types.js";

export interface Item extends ObjectIdentity {
  value: string;
}

interface OpenWatch {
  fromRv: string;
  fn: (e: ClientWatchEvent<Item>) => void;
  end: (e: WatchEnd) => void;
  stopped: boolean;
}

export class FakeClient implements ResourceClient<Item> {
  rv = 0;
  readonly objects = new Map<string, Item>();
  readonly history: { rv: number; type: "ADDED" | "MODIFIED" | "DELETED"; object: Item }[] = [];
  readonly watches: OpenWatch[] = [];
  lists = 0;
  /** When set, the next list throws it (once). */
  failNextList: Error | undefined;

  put(name: string, value: string, uid = `uid-${name}`): Item {
    const old = this.objects.get(name);
    const item: Item = { namespace: "ns", name, uid, resourceVersion: String(++this.rv), value };
    this.objects.set(name, item);
    this.#emit(old === undefined ? "ADDED" : "MODIFIED", item);
    return item;
  }

  remove(name: string): void {
    const old = this.objects.get(name);
    if (old === undefined) return;
    this.objects.delete(name);
    this.#emit("DELETED", { ...old, resourceVersion: String(++this.rv) });
  }

  /** Changes nobody sees (the watchers are gone): what happens while a watch is down. */
  putQuietly(name: string, value: string, uid = `uid-${name}`): void {
    this.objects.set(name, { namespace: "ns", name, uid, resourceVersion: String(++this.rv), value });
  }

  removeQuietly(name: string): void {
    this.objects.delete(name);
    this.rv++;
  }

  live(): OpenWatch[] {
    return this.watches.filter((w) => !w.stopped);
  }

  endAll(e: WatchEnd): void {
    for (const w of this.live()) {
      w.stopped = true;
      w.end(e);
    }
  }

  bookmark(): void {
    for (const w of this.live()) w.fn({ type: "BOOKMARK", resourceVersion: String(this.rv) });
  }

  #emit(type: "ADDED" | "MODIFIED" | "DELETED", object: Item): void {
    this.history.push({ rv: this.rv, type, object });
    for (const w of this.live()) w.fn({ type, object });
  }

  get(ref: { namespace: string; name: string }): Promise<Item | undefined> {
    return Promise.resolve(this.objects.get(ref.name));
  }

  list(): Promise<{ items: Item[]; resourceVersion: string }> {
    this.lists++;
    const fail = this.failNextList;
    if (fail !== undefined) {
      this.failNextList = undefined;
      return Promise.reject(fail);
    }
    return Promise.resolve({ items: [...this.objects.values()], resourceVersion: String(this.rv) });
  }

  watch(opts: { resourceVersion: string }, fn: (e: ClientWatchEvent<Item>) => void): WatchHandle {
    let end!: (e: WatchEnd) => void;
    const ended = new Promise<WatchEnd>((r) => (end = r));
    const w: OpenWatch = { fromRv: opts.resourceVersion, fn, end, stopped: false };
    this.watches.push(w);
    // Replay what happened after the version asked for, as the API server's watch cache does.
    for (const h of this.history) if (h.rv > Number(opts.resourceVersion)) fn({ type: h.type, object: h.object });
    return {
      ended,
      stop: () => {
        if (w.stopped) return;
        w.stopped = true;
        end({ reason: "stopped" });
      },
    };
  }

  create(): Promise<Item> {
    return Promise.reject(new HarnessError("internal", "not used"));
  }

  patch(): Promise<Item> {
    return Promise.reject(new HarnessError("internal", "not used"));
  }

  delete(): Promise<void> {
    return Promise.reject(new HarnessError("internal", "not used"));
  }
}
