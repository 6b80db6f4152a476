// Introspection HTTP like ipamd's 127.0.0.1:61679 (/v1/enis, /v1/ipamd-env-settings, ...), plus
// /v1/pods, /v1/events, /v1/leases and /v1/node of the harness; JSON, read-only.

import type { ServerResponse } from "node:http";
import type { Handler } from "./listen.js";
import { requestUrl, sendJson } from "./listen.js";

export interface IntrospectionSources {
  enis(): unknown;
  /** From the cluster (a settled promise with the memory backend). */
  pods(): Promise<unknown> | unknown;
  events(filter: { namespace: string; name: string }): Promise<unknown> | unknown;
  leases(): unknown;
  node(): unknown;
  envSettings(): Record<string, string>;
}

export function introspectionHandler(s: IntrospectionSources): Handler {
  const routes: Record<string, (q: URLSearchParams, res: ServerResponse) => void | Promise<void>> = {
    "/v1/enis": (_q, res) => sendJson(res, 200, s.enis()),
    "/v1/pods": async (_q, res) => sendJson(res, 200, await s.pods()),
    "/v1/events": async (q, res) => sendJson(res, 200, await s.events({ namespace: q.get("namespace") ?? "", name: q.get("name") ?? "" })),
    "/v1/leases": (_q, res) => sendJson(res, 200, s.leases()),
    "/v1/node": (_q, res) => sendJson(res, 200, s.node()),
    "/v1/ipamd-env-settings": (_q, res) => sendJson(res, 200, s.envSettings()),
  };
  return (req, res) => {
    const url = requestUrl(req, res, "http://introspection");
    if (url === undefined) return;
    if (req.method !== "GET") return sendJson(res, 405, { error: `${req.method ?? ""} not allowed; introspection is read-only` });
    const route = routes[url.pathname];
    if (route === undefined) return sendJson(res, 404, { error: `no such path ${url.pathname}`, paths: Object.keys(routes) });
    return Promise.resolve(route(url.searchParams, res)).catch((e: unknown) => sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) }));
  };
}

export function metricsHandler(render: () => Promise<string>, contentType: string): Handler {
  return async (req, res) => {
    const url = requestUrl(req, res, "http://metrics");
    if (url === undefined) return;
    if (url.pathname !== "/metrics") return sendJson(res, 404, { error: "metrics are served at /metrics" });
    const text = await render();
    res.writeHead(200, { "content-type": contentType });
    res.end(text);
  };
}
