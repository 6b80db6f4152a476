// A small node:http listener on host:port (port 0 = any free port) with a deadline on every
// response, used by introspection and metrics; loopback by default like the real ipamd's 61679.

import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatEndpoint, parseEndpoint } from "../../common/boundary/index.js";
import { HarnessError, errorMessage } from "../../common/errors.js";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface RunningHttp {
  /** host:actualPort */
  address: string;
  close(): Promise<void>;
}

/** `flag`: the option that set `address` (--introspection, --metrics), named when the port is taken. */
export async function startHttp(address: string, handler: Handler, onError: (e: unknown) => void, flag = "address"): Promise<RunningHttp> {
  const parsed = parseEndpoint(address, { what: "HTTP address", unix: false, anyPort: true });
  if (!parsed.ok || parsed.value.kind !== "tcp") throw new HarnessError("invalid-config", parsed.ok ? `HTTP address "${address}" is not host:port` : parsed.problem);
  const { host, port: wanted } = parsed.value;
  const server = createServer((req, res) => {
    res.setTimeout(10_000, () => res.destroy());
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((e: unknown) => {
        onError(e);
        if (!res.headersSent) sendJson(res, 500, { error: errorMessage(e) });
        else res.end();
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(listenError(e, address, flag)));
    server.listen(wanted, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: formatEndpoint({ kind: "tcp", host, port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A taken port (two daemons on the default ports) names the flag to change. */
export function listenError(e: unknown, address: string, flag: string): HarnessError {
  if ((e as { code?: unknown }).code === "EADDRINUSE") {
    return new HarnessError("unavailable", `${flag} ${address}: the address is already in use (another mock-ipamd on this host?); give this one another ${flag} HOST:PORT, port 0 for any free port, or ${flag} off`);
  }
  return new HarnessError("unavailable", `${flag} ${address}: cannot listen: ${errorMessage(e)}`);
}

/**
 * The request's URL, or undefined after answering 400 when it cannot be parsed (an absolute-form
 * target such as `http://[`): a client's bad request, not a handler failure worth a 500.
 */
export function requestUrl(req: IncomingMessage, res: ServerResponse, base: string): URL | undefined {
  try {
    return new URL(req.url ?? "/", base);
  } catch {
    sendJson(res, 400, { error: `bad request target ${JSON.stringify(req.url ?? "")}` });
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
