// The fake EC2's HTTP listener: the Query API at `/` (POST form body, or GET query string, as EC2
// takes both) and the harness's own endpoints under /_harness/ (not EC2 actions). Bodies are capped;
// whatever arrives, the reply is EC2-shaped XML (or JSON for /_harness/) and the server stays up.

import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { fault } from "../model/faults.js";
import { errorXml } from "../query/xml.js";
import { handleHarness } from "./harness.js";
import type { Ec2Service } from "./service.js";

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
}

export interface RunningHttp {
  /** http://host:port with the actual port. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Reads the body up to `max` bytes; undefined when it is larger (the rest is drained). */
function readBody(req: http.IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      if (!over) chunks.push(c);
    });
    req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** While shutting down, each reply closes its connection, so keep-alive clients cannot hold the exit. */
const closing = new WeakSet<http.Server>();

function send(res: http.ServerResponse, status: number, contentType: string, body: string, requestId?: string): void {
  const server = (res.req.socket as { server?: http.Server }).server;
  res.writeHead(status, {
    "content-type": contentType, "content-length": Buffer.byteLength(body), ...(requestId === undefined ? {} : { "x-amzn-requestid": requestId }),
    ...(server !== undefined && closing.has(server) ? { connection: "close" } : {}),
  });
  res.end(body);
}

const XML = "text/xml;charset=UTF-8";
/** How long a shutdown waits for requests in flight. */
const SHUTDOWN_GRACE_MS = 3_000;

async function route(svc: Ec2Service, req: http.IncomingMessage, res: http.ServerResponse, maxBody: number): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const body = await readBody(req, maxBody);
  if (body === undefined) {
    const e = fault.invalidRequest(`The request body exceeds ${maxBody} bytes`, 413);
    return send(res, e.status, XML, errorXml(e.code, e.ec2Message, ""));
  }
  if (url.pathname.startsWith("/_harness/")) {
    // A long poll ends when its client goes away.
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    const r = await handleHarness(svc, req.method ?? "GET", url, body, gone.signal);
    return send(res, r.status, "application/json", `${JSON.stringify(r.body)}\n`);
  }
  if (url.pathname !== "/" || (req.method !== "POST" && req.method !== "GET")) {
    const e = fault.invalidRequest(`${req.method ?? "?"} ${url.pathname}: EC2's Query API is POST / (or GET /?Action=…)`, url.pathname === "/" ? 405 : 404);
    return send(res, e.status, XML, errorXml(e.code, e.ec2Message, ""));
  }
  let form = url.search.replace(/^\?/, "");
  if (req.method === "POST") {
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      const e = fault.invalidRequest(`Content-Type must be application/x-www-form-urlencoded, not "${req.headers["content-type"] ?? ""}"`);
      return send(res, e.status, XML, errorXml(e.code, e.ec2Message, ""));
    }
    form = body;
  }
  const reply = await svc.handle(req.headers, form);
  send(res, reply.status, XML, reply.body, reply.requestId);
}

export async function startHttp(svc: Ec2Service, o: HttpOptions, onError: (e: unknown) => void): Promise<RunningHttp> {
  const server = http.createServer((req, res) => {
    route(svc, req, res, o.maxBodyBytes).catch((e: unknown) => {
      onError(e);
      if (!res.headersSent) send(res, 500, XML, errorXml("InternalError", "An internal error has occurred", ""));
      else res.destroy();
    });
  });
  // An idle keep-alive connection must not hold a shutdown (the SDK keeps its sockets open).
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    endpoint: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests in flight finish (their replies close their connections); connections that stay
        // busy past the grace period are cut, which leaves their changes unacknowledged, never half-made.
        closing.add(server);
        const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

