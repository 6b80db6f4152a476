// A watch stream (GET ...?watch=1): newline-delimited {type, object} documents. The server's
// timeoutSeconds (5 to 10 min, as client-go's reflector picks) closes it normally; a 410 (as the
// response or as an ERROR event) ends it as "expired"; silence past the timeout ends it too.

import type { IncomingMessage } from "node:http";
import { HarnessError, errorMessage, isHarnessError } from "../../../common/errors.js";
import type { ClientWatchEvent, WatchEnd, WatchHandle } from "../types.js";
import type { KubeHttp } from "./http.js";

export interface WatchSpec {
  path: string;
  query: Record<string, string | number | boolean | undefined>;
  timeoutSeconds: number;
  what: string;
}

/** Parsing an object failed: skipped and reported (a bad object must not stop the stream). */
export type OnInvalid = (e: unknown, raw: unknown) => void;

export function openWatch<T>(http: KubeHttp, spec: WatchSpec, parse: (v: unknown) => T, fn: (e: ClientWatchEvent<T>) => void, onInvalid: OnInvalid): WatchHandle {
  const ctl = new AbortController();
  let finish!: (e: WatchEnd) => void;
  let done = false;
  const ended = new Promise<WatchEnd>((r) => (finish = r));
  const end = (e: WatchEnd): void => {
    if (done) return;
    done = true;
    clearTimeout(idle);
    if (!ctl.signal.aborted) ctl.abort(new Error("watch ended"));
    finish(e);
  };
  // The server ends the stream at timeoutSeconds; past that plus a margin, the link is dead.
  const idleMs = (spec.timeoutSeconds + 60) * 1000;
  let idle = setTimeout(() => end({ reason: "closed" }), idleMs);
  const touch = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => end({ reason: "closed" }), idleMs);
  };

  const onLine = (line: string): void => {
    if (line.trim() === "") return;
    let doc: { type?: unknown; object?: unknown };
    try {
      doc = JSON.parse(line) as typeof doc;
    } catch (e) {
      end({ reason: "error", error: new HarnessError("internal", `${spec.what}: watch event is not JSON: ${line.slice(0, 200)}`, { cause: e }) });
      return;
    }
    const type = doc.type;
    if (type === "ERROR") {
      const status = (doc.object ?? {}) as { code?: unknown; message?: unknown };
      if (status.code === 410) end({ reason: "expired" });
      else end({ reason: "error", error: new HarnessError("internal", `${spec.what}: ${String(status.message ?? "watch error")}`) });
      return;
    }
    if (type === "BOOKMARK") {
      const rv = ((doc.object as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion);
      if (typeof rv === "string") fn({ type: "BOOKMARK", resourceVersion: rv });
      return;
    }
    if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") return;
    let object: T;
    try {
      object = parse(doc.object);
    } catch (e) {
      onInvalid(e, doc.object);
      return;
    }
    fn({ type, object });
  };

  const consume = (res: IncomingMessage): void => {
    let buf = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      touch();
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl >= 0 && !done; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        onLine(line);
      }
    });
    res.on("end", () => {
      if (buf.trim() !== "" && !done) onLine(buf);
      end(ctl.signal.aborted ? { reason: "stopped" } : { reason: "closed" });
    });
    res.on("error", (e) => end(ctl.signal.aborted ? { reason: "stopped" } : { reason: "error", error: e }));
    res.on("aborted", () => end(ctl.signal.aborted ? { reason: "stopped" } : { reason: "closed" }));
  };

  http
    .stream({ path: spec.path, query: { ...spec.query, watch: 1, timeoutSeconds: spec.timeoutSeconds }, signal: ctl.signal, headerTimeoutMs: 30_000, what: spec.what })
    .then(consume, (e: unknown) => {
      if (ctl.signal.aborted) end({ reason: "stopped" });
      else if (isHarnessError(e) && e.kind === "expired") end({ reason: "expired" });
      else end({ reason: "error", error: isHarnessError(e) ? e : new HarnessError("unavailable", `${spec.what}: ${errorMessage(e)}`, { cause: e }) });
    });

  return {
    ended,
    stop() {
      if (done) return;
      ctl.abort(new Error("watch stopped"));
      end({ reason: "stopped" });
    },
  };
}
