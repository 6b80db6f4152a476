// The embedded API server: HTTPS with the serving certificate made at start, bearer-token
// authentication (401 without it; /healthz, /livez, /readyz and /version are public, as the
// system:public-info-viewer role makes them), discovery, /openapi/v3 and the resource verbs over the
// store. Every failure is a metav1.Status; a bad request never takes the server down.
//
// Bounds: at most `maxConnections` open connections (further ones are refused by the socket
// layer), request bodies up to MAX_BODY_BYTES (413), watch buffers and durations (watch.ts).

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { K8sObject } from "../cluster/k8s/types.js";
import type { ObjectStore } from "../cluster/store/index.js";
import { StatusError } from "../cluster/store/index.js";
import type { Clock } from "../common/clock.js";
import { systemClock } from "../common/clock.js";
import { ADMIN_USER, forbidden, requestAttributes } from "./authz.js";
import type { Authorizer } from "./authz.js";
import { SERVER_VERSION, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from "./discovery.js";
import { handleResource } from "./handlers.js";
import type { HandlerDeps } from "./handlers.js";
import { sendError, sendJson } from "./http.js";
import { openApi } from "./openapi.js";
import type { Route, ResourceRoute } from "./routes.js";
import { route } from "./routes.js";
import type { ServingCert } from "./tls.js";
import type { WatchSettings } from "./watch.js";
import { DEFAULT_WATCH_SETTINGS } from "./watch.js";
import { admitWithWebhooks } from "./webhooks.js";

export interface ApiServerOptions {
  store: ObjectStore;
  host: string;
  port: number;
  token: string;
  tls: ServingCert;
  clock?: Clock;
  watch?: Partial<WatchSettings>;
  maxConnections?: number;
  /** More bearer tokens, each with the user it authenticates as (`token` is ADMIN_USER's). */
  users?: ReadonlyMap<string, string>;
  /** Asked before every resource request (after authentication); false is 403 Forbidden. Default: all allowed. */
  authorize?: Authorizer;
  /** How often TTL'd objects (events) are swept when nobody writes (default 60 s). */
  sweepIntervalMs?: number;
  onError?: (e: unknown) => void;
}

export interface ApiServer {
  /** https://host:port */
  url: string;
  port: number;
  close(): Promise<void>;
}

const UNAUTHORIZED = new StatusError("unauthorized", "Unauthorized");

/** The user of the request's bearer token, or undefined (401). */
function authenticate(req: IncomingMessage, tokens: readonly { token: Buffer; user: string }[]): string | undefined {
  const h = req.headers.authorization ?? "";
  if (!h.startsWith("Bearer ")) return undefined;
  const got = Buffer.from(h.slice("Bearer ".length).trim());
  return tokens.find((t) => got.length === t.token.length && timingSafeEqual(got, t.token))?.user;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { store } = opts;
  const clock = opts.clock ?? systemClock;
  const tokens = [{ token: Buffer.from(opts.token), user: ADMIN_USER }, ...[...(opts.users ?? new Map<string, string>())].map(([t, user]) => ({ token: Buffer.from(t), user }))];
  const abort = new AbortController();
  const api = openApi(store.resources(), (i) => store.schemaOf({ group: i.group, plural: i.plural }));
  let address = `${opts.host}:${opts.port}`;
  const deps: HandlerDeps = {
    store,
    now: () => clock.now(),
    admit: (r: ResourceRoute, o: K8sObject, dryRun: boolean, signal: AbortSignal) => admitWithWebhooks({ store, username: ADMIN_USER }, r, o, dryRun, signal),
    watch: { ...DEFAULT_WATCH_SETTINGS, ...opts.watch },
    signal: abort.signal,
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://localhost");
    const r: Route = route(store, url.pathname);
    const open = r.kind === "health" || r.kind === "version";
    const user = authenticate(req, tokens);
    if (!open && user === undefined) throw UNAUTHORIZED;
    if (r.kind === "resource") {
      const attrs = requestAttributes(user ?? "", req.method ?? "GET", r.r, url.searchParams);
      if (opts.authorize !== undefined && !opts.authorize(attrs)) throw forbidden(attrs);
      // Admission webhooks see the requesting user (AdmissionReview request.userInfo).
      const admit: HandlerDeps["admit"] = (rr, o, dryRun, signal) => admitWithWebhooks({ store, username: attrs.user }, rr, o, dryRun, signal);
      return handleResource(req, res, r.r, url.searchParams, attrs.user === ADMIN_USER ? deps : { ...deps, admit });
    }
    if (req.method !== "GET" && req.method !== "HEAD") throw new StatusError("method-not-allowed", "the server does not allow this method on the requested resource");
    let doc: unknown;
    if (r.kind === "health") {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("ok");
      return;
    }
    if (r.kind === "version") doc = SERVER_VERSION;
    else if (r.kind === "openapi") doc = r.path.startsWith("v3") ? api.doc(r.path.slice(3).replace(/^\//, "")) : undefined;
    else if (r.path === "api") doc = apiVersions(address);
    else if (r.path === "api/v1") doc = apiResourceList(store.resources(), "", "v1");
    else if (r.path === "apis") doc = apiGroupList(store.resources());
    else if ("version" in r.path) doc = apiResourceList(store.resources(), r.path.group, r.path.version);
    else doc = apiGroupDoc(store.resources(), r.path.group);
    if (doc === undefined) throw new StatusError("not-found", "the server could not find the requested resource");
    sendJson(res, 200, doc);
  };

  const server = createServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, (req, res) => {
    req.on("error", () => {});
    res.on("error", () => {});
    serve(req, res).catch((e: unknown) => {
      if (!(e instanceof StatusError) && !(e instanceof Error && "kind" in e)) opts.onError?.(e);
      if (res.headersSent) res.destroy();
      else sendError(res, e);
      // A body left unread (413) must not hold the connection.
      if (!req.complete) req.resume();
    });
  });
  server.maxConnections = opts.maxConnections ?? 1024;
  server.on("clientError", (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`;
  const sweeper = setInterval(() => store.sweep(), opts.sweepIntervalMs ?? 60_000);
  sweeper.unref();
  return {
    url: `https://${address}`,
    port,
    close: async () => {
      clearInterval(sweeper);
      abort.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
