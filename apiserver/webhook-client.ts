// One JSON POST to an admission webhook: HTTPS trusting the configuration's caBundle (base64 PEM)
// or the system roots, with a deadline and the caller's AbortSignal; the reply is capped in size.

import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";

const MAX_REPLY_BYTES = 3 * 1024 * 1024;

export function postJson(url: string, body: unknown, opts: { caBundle: string | undefined; timeoutMs: number; signal: AbortSignal }): Promise<unknown> {
  const u = new URL(url);
  const payload = JSON.stringify(body);
  const send = u.protocol === "http:" ? httpRequest : httpsRequest;
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  return new Promise((resolve, reject) => {
    const req = send(u, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Content-Length": Buffer.byteLength(payload) },
      ...(opts.caBundle === undefined ? {} : { ca: Buffer.from(opts.caBundle, "base64").toString("utf8") }),
      signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_REPLY_BYTES) req.destroy(new Error(`reply larger than ${MAX_REPLY_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on("end", () => {
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) return reject(new Error(`the server responded with status ${res.statusCode ?? 0}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
        } catch (e) {
          reject(new Error(`the reply is not JSON: ${(e as Error).message}`));
        }
      });
      res.on("error", reject);
    });
    req.on("error", (e) => reject(signal.aborted && !opts.signal.aborted ? new Error("context deadline exceeded") : e));
    req.end(payload);
  });
}
