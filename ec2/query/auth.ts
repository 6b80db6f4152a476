// Authentication as EC2 checks it before anything else: a SigV4 Authorization header
// (AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/ec2/aws4_request, SignedHeaders=…,
// Signature=<64 hex>) and an X-Amz-Date within 15 minutes. Any access key is accepted: the fake
// knows no secrets, so it checks the signature's form, not its value (docs/REFERENCE.md §9).

import type { IncomingHttpHeaders } from "node:http";
import { fault } from "../model/faults.js";

export interface Caller {
  /** The access key id of the Credential scope: how the call log tells callers apart. */
  readonly accessKeyId: string;
  readonly region: string;
}

/** How far X-Amz-Date may be from the server's clock (EC2: 15 minutes). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function authenticate(headers: IncomingHttpHeaders, now: number): Caller {
  const auth = header(headers, "authorization");
  if (auth === undefined || auth.trim() === "") throw fault.missingAuth();
  const space = auth.indexOf(" ");
  const algorithm = space < 0 ? auth : auth.slice(0, space);
  if (algorithm !== "AWS4-HMAC-SHA256") throw fault.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'`);
  const fields = new Map<string, string>();
  for (const part of auth.slice(space + 1).split(",")) {
    const p = part.trim();
    if (p === "") continue;
    const eq = p.indexOf("=");
    if (eq < 0) throw fault.incompleteSignature(`'${p}' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`);
    fields.set(p.slice(0, eq), p.slice(eq + 1));
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((k) => !fields.has(k));
  if (missing.length > 0) {
    throw fault.incompleteSignature(`${missing.map((k) => `Authorization header requires '${k}' parameter.`).join(" ")} Authorization=${auth}`);
  }
  const caller = credential(fields.get("Credential") as string);
  const signed = (fields.get("SignedHeaders") as string).split(";");
  if (!signed.includes("host")) throw fault.incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (!/^[0-9a-f]{64}$/.test(fields.get("Signature") as string)) throw fault.authFailure();
  checkDate(header(headers, "x-amz-date"), dateOf(fields.get("Credential") as string), now);
  return caller;
}

function credential(value: string): Caller {
  const parts = value.split("/");
  if (parts.length !== 5) {
    throw fault.incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${value}'`);
  }
  const [accessKeyId, date, region, service, term] = parts as [string, string, string, string, string];
  if (accessKeyId === "") throw fault.incompleteSignature(`Credential has an empty access key id: '${value}'`);
  if (!/^\d{8}$/.test(date)) throw fault.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${date}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (service !== "ec2") throw fault.incompleteSignature(`Credential should be scoped to correct service: 'ec2'.`);
  if (term !== "aws4_request") throw fault.incompleteSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${term}'.`);
  if (region === "") throw fault.incompleteSignature(`Credential has an empty region: '${value}'`);
  return { accessKeyId, region };
}

const dateOf = (cred: string): string => cred.split("/")[1] as string;

function checkDate(amzDate: string | undefined, scopeDate: string, now: number): void {
  if (amzDate === undefined) throw fault.incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (m === null) throw fault.incompleteSignature(`X-Amz-Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z'). Got '${amzDate}'.`);
  if (amzDate.slice(0, 8) !== scopeDate) {
    throw fault.incompleteSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const at = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  if (Math.abs(at - now) > MAX_SKEW_MS) {
    throw fault.expired(`Request has expired. Timestamp date is ${amzDate}, server time is ${new Date(now).toISOString()}.`);
  }
}
