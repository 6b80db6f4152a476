// The checks every write goes through, in the API server's order: the type (apiVersion and kind
// against the URL), the schema (pruning and fieldValidation), then validation of metadata and of
// the resource (422 Invalid with every cause at once).

import type { ErrorCause } from "../../common/errors.js";
import type { K8sObject } from "../k8s/types.js";
import { badRequest, invalid, invalidValue, required } from "./errors.js";
import { annotationErrors, labelErrors, nameErrors } from "./names.js";
import { isObject } from "./patch.js";
import { checkSchema } from "./schema.js";
import type { Strategy } from "./strategy.js";
import type { WriteOptions } from "./types.js";

/** A JSON object with metadata, apiVersion and kind filled in (the store accepts them missing). */
export function typed(s: Strategy, body: unknown): K8sObject {
  if (!isObject(body)) throw badRequest(`the body of the request is not a ${s.info.kind} object`);
  const apiVersion = body.apiVersion ?? s.apiVersion;
  const kind = body.kind ?? s.info.kind;
  if (apiVersion !== s.apiVersion) throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${s.apiVersion})`);
  if (kind !== s.info.kind) throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${s.info.kind})`);
  const metadata = body.metadata ?? {};
  if (!isObject(metadata)) throw badRequest(`${s.info.kind} in version "${s.info.version}" cannot be handled as a ${s.info.kind}: metadata must be an object`);
  return { ...body, apiVersion: s.apiVersion, kind: s.info.kind, metadata: { ...metadata } };
}

const decodeError = (s: Strategy, why: string): Error => badRequest(`${s.info.kind} in version "${s.info.version}" cannot be handled as a ${s.info.kind}: ${why}`);

/**
 * Prunes unknown fields (always, as decoding does) and applies fieldValidation to them: Strict is a
 * 400 "strict decoding error", Warn returns them as warnings. A type error is a decode error (400)
 * for a built-in kind and 422 Invalid for a custom resource.
 */
export function schemaChecked(s: Strategy, o: K8sObject, mode: WriteOptions["fieldValidation"]): { object: K8sObject; warnings: string[] } {
  if (s.schema === undefined) return { object: o, warnings: [] };
  const r = checkSchema(o, s.schema);
  const types = r.causes.filter((c) => c.reason === "FieldValueTypeInvalid");
  if (types.length > 0 && !s.custom) throw decodeError(s, types.map((c) => `json: cannot unmarshal into Go struct field ${c.field}: ${c.message}`).join("; "));
  const rest = s.custom ? r.causes : r.causes.filter((c) => c.reason !== "FieldValueTypeInvalid");
  if (rest.length > 0 && s.custom) throw invalid(s.info.group, s.info.kind, o.metadata.name ?? "", rest);
  const unknown = r.unknown.map((p) => `unknown field "${p}"`);
  if (unknown.length > 0 && mode === "Strict") throw decodeError(s, `strict decoding error: ${unknown.join(", ")}`);
  return { object: r.value as K8sObject, warnings: mode === "Ignore" ? [] : unknown };
}

function metaCauses(s: Strategy, o: K8sObject): ErrorCause[] {
  const out: ErrorCause[] = [];
  const m = o.metadata;
  const name = m.name ?? "";
  if (name === "") out.push(required("metadata.name", "name or generateName is required"));
  else for (const why of nameErrors(s.nameRule, name)) out.push(invalidValue("metadata.name", name, why));
  if (s.info.namespaced && (m.namespace ?? "") === "") out.push(required("metadata.namespace"));
  if (m.labels !== undefined) {
    if (!isObject(m.labels)) out.push(invalidValue("metadata.labels", m.labels, "must be a map of strings"));
    else out.push(...labelErrors(m.labels));
  }
  if (m.annotations !== undefined) {
    if (!isObject(m.annotations)) out.push(invalidValue("metadata.annotations", m.annotations, "must be a map of strings"));
    else out.push(...annotationErrors(m.annotations));
  }
  if (m.finalizers !== undefined && !(Array.isArray(m.finalizers) && m.finalizers.every((f) => typeof f === "string"))) out.push(invalidValue("metadata.finalizers", m.finalizers, "must be a list of strings"));
  return out;
}

/** Metadata and resource validation; throws 422 Invalid with every cause. */
export function validated(s: Strategy, o: K8sObject, old: K8sObject | undefined): void {
  const causes = [...metaCauses(s, o), ...(old === undefined ? s.validate(o) : s.validateUpdate(o, old))];
  if (causes.length > 0) throw invalid(s.info.group, s.info.kind, o.metadata.name ?? o.metadata.generateName ?? "", causes);
}

const GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** generateName: the prefix (cut to leave room) plus 5 random characters, as names.SimpleNameGenerator. */
export function generatedName(prefix: string, random: () => number): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[Math.floor(random() * GENERATE_ALPHABET.length)] ?? "x";
  return base + suffix;
}
