// Name, label and annotation validation with the API server's messages (apimachinery
// pkg/util/validation/validation.go and pkg/api/validation/objectmeta.go). docs/REFERENCE.md §10.

import type { ErrorCause } from "../../common/errors.js";
import { invalidValue } from "./errors.js";

/** How a resource's names are checked (each resource's strategy picks one). */
export type NameRule = "subdomain" | "label" | "dns1035" | "path-segment";

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE = `(${QUALIFIED})?`;

const whole = (re: string): RegExp => new RegExp(`^${re}$`);
const LABEL_RE = whole(LABEL);
const SUBDOMAIN_RE = whole(SUBDOMAIN);
const DNS1035_RE = whole(DNS1035);
const QUALIFIED_RE = whole(QUALIFIED);
const LABEL_VALUE_RE = whole(LABEL_VALUE);

/** apimachinery RegexError: the message, examples, then the regex. */
function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${re}')`;
}

export const DNS1123_LABEL_MSG = regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", LABEL, "my-name", "123-abc");
export const DNS1123_SUBDOMAIN_MSG = regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", SUBDOMAIN, "example.com");
const DNS1035_MSG = regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035, "my-name", "abc-123");
const QUALIFIED_MSG = regexError("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED, "MyName", "my.name", "123-abc");
const LABEL_VALUE_MSG = regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE, "MyValue", "my_value", "12345");

/** The reasons a name is not valid under a rule (empty when it is). */
export function nameErrors(rule: NameRule, name: string): string[] {
  const out: string[] = [];
  switch (rule) {
    case "label":
      if (name.length > 63) out.push("must be no more than 63 characters");
      if (!LABEL_RE.test(name)) out.push(DNS1123_LABEL_MSG);
      break;
    case "subdomain":
      if (name.length > 253) out.push("must be no more than 253 characters");
      if (!SUBDOMAIN_RE.test(name)) out.push(DNS1123_SUBDOMAIN_MSG);
      break;
    case "dns1035":
      if (name.length > 63) out.push("must be no more than 63 characters");
      if (!DNS1035_RE.test(name)) out.push(DNS1035_MSG);
      break;
    case "path-segment":
      if (name === "." || name === "..") out.push(`may not be '${name}'`);
      for (const bad of ["/", "%"]) if (name.includes(bad)) out.push(`may not contain '${bad}'`);
      break;
  }
  return out;
}

/** A qualified name (label and annotation keys): `[prefix/]name`, the prefix a DNS subdomain. */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split("/");
  let name = key;
  const out: string[] = [];
  if (parts.length === 2) {
    const [prefix = "", rest = ""] = parts;
    name = rest;
    if (prefix.length === 0) out.push("prefix part must be non-empty");
    else if (prefix.length > 253 || !SUBDOMAIN_RE.test(prefix)) out.push(`prefix part ${DNS1123_SUBDOMAIN_MSG}`);
  } else if (parts.length > 2) {
    return [regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED, "MyName", "my.name", "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) out.push("name part must be non-empty");
  else {
    if (name.length > 63) out.push("name part must be no more than 63 characters");
    if (!QUALIFIED_RE.test(name)) out.push(QUALIFIED_MSG);
  }
  return out;
}

/** metadata.labels: qualified keys, values of ≤ 63 label characters. */
export function labelErrors(labels: Record<string, string>, field = "metadata.labels"): ErrorCause[] {
  const out: ErrorCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of qualifiedNameErrors(k)) out.push(invalidValue(field, k, m));
    if (typeof v !== "string") {
      out.push(invalidValue(`${field}[${k}]`, v, "must be a string"));
      continue;
    }
    if (v.length > 63) out.push(invalidValue(field, v, "must be no more than 63 characters"));
    if (!LABEL_VALUE_RE.test(v)) out.push(invalidValue(field, v, LABEL_VALUE_MSG));
  }
  return out;
}

/** The total size limit of annotations (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function annotationErrors(annotations: Record<string, string>): ErrorCause[] {
  const out: ErrorCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of qualifiedNameErrors(k.toLowerCase())) out.push(invalidValue("metadata.annotations", k, m));
    if (typeof v !== "string") out.push(invalidValue(`metadata.annotations[${k}]`, v, "must be a string"));
    size += k.length + (typeof v === "string" ? Buffer.byteLength(v) : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) out.push({ field: "metadata.annotations", reason: "FieldValueTooLong", message: `Too long: may not be more than ${ANNOTATIONS_MAX_BYTES} bytes` });
  return out;
}
