// The HTTP side of the kube backend: one request with a deadline and the caller's AbortSignal,
// authenticated by the KubeConfig (client-node applies the token/client certificate and the CA),
// an optional client-side rate limit (client-go's QPS/burst), errors as HarnessErrors.
// Connections are kept alive and reused, as client-go's transport does: client-node's own agent
// opened a new TLS connection (a new SecureContext and a full handshake on both sides) for every
// request, the largest part of the controller's and the kubelets' CPU in the 30-pod run (README,
// "30 SGP pods on 3 m5.xlarge nodes").

import type { Agent, IncomingMessage, RequestOptions } from "node:http";
import * as http from "node:http";
import * as https from "node:https";
import { createSecureContext } from "node:tls";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Clock } from "../../../common/clock.js";
import type { TokenBucket } from "../../../common/ratelimit.js";
import { statusError, transportError } from "./status.js";

export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** e.g. /api/v1/namespaces/sgp/pods/web */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For error texts, e.g. "PATCH pods sgp/web". */
  what: string;
}

export interface KubeHttp {
  readonly server: string;
  /** The decoded JSON reply; a non-2xx reply throws the Status as a HarnessError. */
  json(req: KubeRequest): Promise<unknown>;
  /** A streaming GET (watch): resolves with the open response once the status is 200. */
  stream(req: Omit<KubeRequest, "method" | "body" | "contentType" | "timeoutMs"> & { headerTimeoutMs: number }): Promise<IncomingMessage>;
}

export interface KubeHttpDeps {
  kc: KubeConfig;
  server: string;
  clock: Clock;
  /** Client-side limit (the controller's 20 QPS, burst 30); none when absent. */
  limiter?: TokenBucket;
  userAgent?: string;
}

export function urlOf(server: string, path: string, query: KubeRequest["query"] = {}): URL {
  const url = new URL(server + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
  return url;
}

/**
 * The one agent for a server: keep-alive, with the kubeconfig's CA, client certificate and key in one
 * SecureContext made once. A cluster behind a proxy (proxy-url) keeps client-node's proxy agent.
 */
export function keepAliveAgent(o: https.RequestOptions, fallback: Agent | undefined, secure: boolean, proxied: boolean): Agent | undefined {
  if (proxied) return fallback;
  if (!secure) return new http.Agent({ keepAlive: true });
  const secureContext = createSecureContext({
    ...(o.ca === undefined ? {} : { ca: o.ca }),
    ...(o.cert === undefined ? {} : { cert: o.cert }),
    ...(o.key === undefined ? {} : { key: o.key }),
    ...(o.pfx === undefined ? {} : { pfx: o.pfx }),
    ...(o.passphrase === undefined ? {} : { passphrase: o.passphrase }),
  });
  return new https.Agent({
    keepAlive: true,
    secureContext,
    ...(o.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: o.rejectUnauthorized }),
    ...(o.servername === undefined ? {} : { servername: o.servername }),
  });
}

/**
 * A kept-alive connection the server closed as the request went out (its idle timeout): the request
 * never reached a handler, so it is sent once more on a new connection. Go's transport, under
 * client-go, does the same for a server-closed idle connection, whatever the method
 * (docs/REFERENCE.md §8, "Connections").
 */
export function isStaleReuse(req: http.ClientRequest, e: unknown, answered: boolean): boolean {
  const code = (e as { code?: unknown }).code;
  return req.reusedSocket && !answered && (code === "ECONNRESET" || code === "EPIPE");
}

export function createKubeHttp(deps: KubeHttpDeps): KubeHttp {
  let agent: Agent | undefined;
  const secure = deps.server.startsWith("https:");

  /** Auth headers each time (a service account token file is re-read as it rotates); one agent kept. */
  const options = async (method: string, headers: Record<string, string>): Promise<RequestOptions> => {
    const o: https.RequestOptions = { headers: {} };
    await deps.kc.applyToHTTPSOptions(o);
    agent ??= keepAliveAgent(o, o.agent as Agent | undefined, secure, (deps.kc.getCurrentCluster()?.proxyUrl ?? "") !== "");
    return { method, agent, headers: { ...(o.headers as Record<string, string>), "user-agent": deps.userAgent ?? "vpc-cni-harness", accept: "application/json", ...headers } };
  };

  const waitForToken = async (signal?: AbortSignal): Promise<void> => {
    const wait = deps.limiter?.reserve() ?? 0;
    if (wait > 0) await deps.clock.sleep(wait, signal);
  };

  const send = (url: URL, opts: RequestOptions, body: string | undefined, signal: AbortSignal, retried = false): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const req = (secure ? https : http).request(url, { ...opts, signal }, (res) => {
        answered = true;
        resolve(res);
      });
      req.on("error", (e) => {
        if (!retried && !signal.aborted && isStaleReuse(req, e, answered)) send(url, opts, body, signal, true).then(resolve, reject);
        else reject(e);
      });
      if (body !== undefined) req.end(body);
      else req.end();
    });

  const readAll = (res: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("response aborted")));
    });

  return {
    server: deps.server,
    async json(r) {
      const timeout = AbortSignal.timeout(r.timeoutMs);
      const signal = r.signal === undefined ? timeout : AbortSignal.any([r.signal, timeout]);
      const body = r.body === undefined ? undefined : JSON.stringify(r.body);
      let text: string;
      let status: number;
      try {
        await waitForToken(signal);
        const headers: Record<string, string> = body === undefined ? {} : { "content-type": r.contentType ?? "application/json", "content-length": String(Buffer.byteLength(body)) };
        const res = await send(urlOf(deps.server, r.path, r.query), await options(r.method, headers), body, signal);
        status = res.statusCode ?? 0;
        text = await readAll(res);
      } catch (e) {
        if (r.signal?.aborted === true) throw r.signal.reason;
        throw transportError(e, r.what, timeout.aborted);
      }
      if (status < 200 || status > 299) throw statusError(status, text, r.what);
      try {
        return text === "" ? {} : (JSON.parse(text) as unknown);
      } catch (e) {
        throw transportError(new Error(`reply is not JSON: ${text.slice(0, 200)}`, { cause: e }), r.what, false);
      }
    },
    async stream(r) {
      // The deadline covers getting the response head; the stream itself lives until the server's
      // timeoutSeconds or the caller's abort.
      const ctl = new AbortController();
      const onAbort = (): void => ctl.abort(r.signal?.reason);
      r.signal?.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctl.abort(new Error("no response head within the deadline"));
      }, r.headerTimeoutMs);
      let res: IncomingMessage;
      try {
        await waitForToken(ctl.signal);
        res = await send(urlOf(deps.server, r.path, r.query), await options("GET", {}), undefined, ctl.signal);
      } catch (e) {
        r.signal?.removeEventListener("abort", onAbort);
        if (r.signal?.aborted === true) throw r.signal.reason;
        throw transportError(e, r.what, timedOut);
      } finally {
        clearTimeout(timer);
      }
      // From here the caller's signal aborts the request through ctl (the listener stays).
      const status = res.statusCode ?? 0;
      if (status !== 200) throw statusError(status, await readAll(res).catch(() => ""), r.what);
      return res;
    },
  };
}
