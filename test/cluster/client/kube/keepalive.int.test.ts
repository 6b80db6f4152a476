// The kube backend's connections: one kept-alive TLS connection serves request after request (the
// kubeconfig's CA still verifies the server), and a kept-alive connection the server closed as a
// request went out is retried once on a new one; a fresh connection's reset is not retried.

import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { createKubeHttp } from "../../../../cluster/client/kube/http.js";
import type { KubeHttp } from "../../../../cluster/client/kube/http.js";
import { systemClock } from "../../../../common/clock.js";
import { makeServingCert } from "../../../../common/tls.js";

const cert = makeServingCert(["127.0.0.1"]);
const other = makeServingCert(["127.0.0.1"]);

interface Seen {
  connections: number;
  requests: { method: string; url: string; auth: string; connection: number }[];
}

/** An HTTPS server; `answer` decides per request (index on its connection) whether to reply or drop the socket. */
async function serve(answer: (nthOnConnection: number) => boolean): Promise<{ server: Server; port: number; seen: Seen }> {
  const seen: Seen = { connections: 0, requests: [] };
  const server = createServer({ key: cert.keyPem, cert: cert.certPem });
  server.on("secureConnection", (s: TLSSocket & { n?: number; k?: number }) => {
    s.n = ++seen.connections;
    s.k = 0;
  });
  server.on("request", (req, res) => {
    const s = req.socket as TLSSocket & { n: number; k: number };
    s.k += 1;
    seen.requests.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization ?? "", connection: s.n });
    if (!answer(s.k)) {
      s.destroy();
      return;
    }
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ kind: "Status", n: seen.requests.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function kubeconfig(port: number, caPem: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString([
    "apiVersion: v1", "kind: Config", "current-context: c",
    `clusters: [{ name: c, cluster: { server: "https://127.0.0.1:${port}", certificate-authority-data: ${Buffer.from(caPem).toString("base64")} } }]`,
    "users: [{ name: u, user: { token: sekret } }]", "contexts: [{ name: c, context: { cluster: c, user: u } }]",
  ].join("\n"));
  return kc;
}

describe("kube backend connections", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  /** A server answering as `answer` says, and the kube backend's HTTP side pointed at it, trusting `caPem`. */
  async function connect(answer: (nthOnConnection: number) => boolean, caPem = cert.caPem): Promise<{ seen: Seen; h: KubeHttp }> {
    const s = await serve(answer);
    server = s.server;
    return { seen: s.seen, h: createKubeHttp({ kc: kubeconfig(s.port, caPem), server: `https://127.0.0.1:${s.port}`, clock: systemClock }) };
  }

  it("six requests, one TLS connection; the token on each", async () => {
    const { seen, h } = await connect(() => true);
    for (let i = 0; i < 5; i++) await h.json({ method: "GET", path: `/api/v1/namespaces/default/pods/p${i}`, timeoutMs: 5000, what: "GET" });
    await h.json({ method: "PATCH", path: "/api/v1/namespaces/default/pods/p0", body: { metadata: {} }, contentType: "application/merge-patch+json", timeoutMs: 5000, what: "PATCH" });
    expect(seen.requests).toHaveLength(6);
    expect(seen.connections).toBe(1);
    expect(new Set(seen.requests.map((r) => r.auth))).toEqual(new Set(["Bearer sekret"]));
  });

  it("a server whose certificate the kubeconfig's CA did not sign is refused", async () => {
    const { seen, h } = await connect(() => true, other.caPem);
    await expect(h.json({ method: "GET", path: "/api", timeoutMs: 5000, what: "GET /api" })).rejects.toMatchObject({ kind: "unavailable" });
    expect(seen.requests).toHaveLength(0);
  });

  it("the second request on a kept connection is dropped by the server: sent again on a new connection", async () => {
    const { seen, h } = await connect((k) => k === 1);
    await h.json({ method: "GET", path: "/api/a", timeoutMs: 5000, what: "GET a" });
    const second = await h.json({ method: "POST", path: "/api/b", body: {}, timeoutMs: 5000, what: "POST b" });
    expect(second).toMatchObject({ n: 3 });
    expect(seen.requests.map((r) => `${r.method} ${r.url} #${r.connection}`)).toEqual(["GET /api/a #1", "POST /api/b #1", "POST /api/b #2"]);
  });

  it("a reset on a new connection is not retried: the call fails once", async () => {
    const { seen, h } = await connect(() => false);
    await expect(h.json({ method: "GET", path: "/api/c", timeoutMs: 5000, what: "GET c" })).rejects.toMatchObject({ kind: "unavailable" });
    expect(seen.requests).toHaveLength(1);
  });
});
