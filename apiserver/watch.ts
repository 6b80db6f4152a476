// Watches over HTTP: a chunked stream of JSON lines {"type","object"} (as Tables when kubectl asks
// for them), BOOKMARKs on a timer when allowed, closed after timeoutSeconds (a bookmark first), or
// when the client goes away. A resourceVersion the store cannot serve becomes one ERROR event with
// the Status (410 Expired, and the client relists), as the API server's watch cache answers.
//
// Bounds: a client that does not read is cut off once `maxBufferedBytes` wait in its socket buffer
// (the real server drops a watcher whose channel is full); a watch lasts at most its timeoutSeconds,
// else `defaultTimeoutMs` (the API server's --min-request-timeout of 1800 s).

import type { IncomingMessage, ServerResponse } from "node:http";
import type { K8sObject } from "../cluster/k8s/types.js";
import type { StoreWatch, StoreWatchEvent } from "../cluster/store/index.js";
import { toStatus } from "../cluster/store/index.js";
import type { HandlerDeps } from "./handlers.js";
import { wantsTable } from "./handlers.js";
import { sendError } from "./http.js";
import type { ResourceRoute } from "./routes.js";
import { toTable } from "./table.js";

export interface WatchSettings {
  bookmarkIntervalMs: number;
  defaultTimeoutMs: number;
  maxBufferedBytes: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = { bookmarkIntervalMs: 60_000, defaultTimeoutMs: 1_800_000, maxBufferedBytes: 16 * 1024 * 1024 };

function selectors(r: ResourceRoute, q: URLSearchParams): { labelSelector: string; fieldSelector: string } {
  let fieldSelector = q.get("fieldSelector") ?? "";
  // /watch/.../<name>: a watch of one object, i.e. a field selector on its name.
  if (r.name !== "") fieldSelector = [fieldSelector, `metadata.name=${r.name}`].filter((s) => s !== "").join(",");
  return { labelSelector: q.get("labelSelector") ?? "", fieldSelector };
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): void {
  const table = wantsTable(req.headers.accept);
  const timeoutText = q.get("timeoutSeconds");
  const timeoutMs = timeoutText !== null && /^\d+$/.test(timeoutText) ? Number(timeoutText) * 1000 : deps.watch.defaultTimeoutMs;
  let handle: StoreWatch | undefined;
  let closed = false;
  const pending: string[] = [];
  const write = (e: StoreWatchEvent): void => {
    if (closed) return;
    const object: unknown = table && e.type !== "BOOKMARK" ? toTable(r.info, [e.object as K8sObject], { resourceVersion: e.object.metadata.resourceVersion }, deps.now(), "Metadata") : e.object;
    const line = `${JSON.stringify({ type: e.type, object })}\n`;
    if (!res.headersSent) {
      pending.push(line);
      return;
    }
    res.write(line);
    if (res.writableLength > deps.watch.maxBufferedBytes) close();
  };
  const timers: NodeJS.Timeout[] = [];
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle?.stop();
    for (const t of timers) clearTimeout(t);
    deps.signal.removeEventListener("abort", close);
    res.end();
  };
  try {
    handle = deps.store.watch({ group: r.info.group, plural: r.info.plural }, {
      namespace: r.namespace,
      ...selectors(r, q),
      resourceVersion: q.get("resourceVersion") ?? "",
      allowWatchBookmarks: q.get("allowWatchBookmarks") === "true",
    }, write);
  } catch (e) {
    const status = toStatus(e);
    if (status.code !== 410 && status.code !== 504) return sendError(res, e);
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    res.end(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
    return;
  }
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  // Headers first, so a client sees the watch established even when nothing happens for a while.
  res.flushHeaders();
  for (const line of pending.splice(0)) res.write(line);
  const bookmarks = setInterval(() => handle?.bookmark(), deps.watch.bookmarkIntervalMs);
  timers.push(bookmarks as unknown as NodeJS.Timeout);
  timers.push(setTimeout(() => {
    handle?.bookmark();
    close();
  }, timeoutMs));
  for (const t of timers) t.unref();
  req.on("close", close);
  res.on("close", close);
  deps.signal.addEventListener("abort", close, { once: true });
}
