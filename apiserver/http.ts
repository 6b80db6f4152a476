// Request bodies and responses as the API server reads and writes them: a size cap (413), JSON or
// YAML by Content-Type (415 otherwise), every error a metav1.Status, warnings as Warning headers.

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { StatusError, toStatus } from "../cluster/store/index.js";

/** The real API server's default request body limit (--max-request-bytes, 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the body, refusing more than `limit` bytes without reading them all. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(tooLarge(limit));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const tooLarge = (limit: number): StatusError => new StatusError("too-large", `Request entity too large: limit is ${limit}`);

/** The media type of a Content-Type header, lower case, without parameters. */
export const mediaType = (h: string | undefined): string => (h ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/** A create/update body: JSON (the default) or YAML. Anything else is 415, a syntax error 400. */
export function decodeObject(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  const text = body.toString("utf8");
  if (type === "" || type === "application/json" || type === "*/*") return parseJson(text);
  if (type === "application/yaml" || type === "application/x-yaml" || type === "text/yaml") {
    try {
      return parseYaml(text) as unknown;
    } catch (e) {
      throw new StatusError("invalid-argument", `error converting YAML to JSON: ${(e as Error).message}`);
    }
  }
  throw unsupportedMediaType(type, ["application/json", "application/yaml"]);
}

export function unsupportedMediaType(type: string, accepted: readonly string[]): StatusError {
  void type;
  return new StatusError("unsupported-media-type", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`);
}

export function parseJson(text: string): unknown {
  if (text.trim() === "") throw new StatusError("invalid-argument", "the request body is empty");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new StatusError("invalid-argument", `couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: readonly string[] = []): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)), "Cache-Control": "no-cache, private" };
  // RFC 7234 warn-code 299 with "-" as agent, as the API server sends field-validation warnings.
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const status = toStatus(e);
  sendJson(res, status.code, status);
}
