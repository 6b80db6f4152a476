// The registry's errors: HarnessErrors that carry what a metav1.Status needs (the resource, the
// object's name, field causes), with the real API server's messages (apimachinery
// pkg/api/errors/errors.go). toStatus turns any error into the Status body the server returns.

import type { ErrorCause, HarnessErrorKind } from "../../common/errors.js";
import { HarnessError, errorMessage, isHarnessError } from "../../common/errors.js";
import type { K8sStatus } from "../k8s/types.js";

/** The object an error is about: Status.details (kind is the resource plural, as the real server fills it). */
export interface StatusTarget {
  group: string;
  /** For most errors the resource plural ("pods"); for invalid, the Kind ("Pod"). */
  kind: string;
  name: string;
  uid?: string;
}

/** A HarnessError with Status details; still `instanceof HarnessError` with the same kinds. */
export class StatusError extends HarnessError {
  readonly target: StatusTarget | undefined;
  /** Overrides the reason derived from the kind (e.g. Gone instead of Expired). */
  readonly reason: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: HarnessErrorKind, message: string, opts?: { target?: StatusTarget; causes?: readonly ErrorCause[]; reason?: string; retryAfterSeconds?: number }) {
    super(kind, message, opts?.causes === undefined ? undefined : { causes: opts.causes });
    this.target = opts?.target;
    this.reason = opts?.reason;
    this.retryAfterSeconds = opts?.retryAfterSeconds;
  }
}

/** "pods" or "securitygrouppolicies.vpcresources.k8s.aws", as messages name a resource. */
export function qualifiedResource(group: string, plural: string): string {
  return group === "" ? plural : `${plural}.${group}`;
}

export function notFound(group: string, plural: string, name: string): StatusError {
  return new StatusError("not-found", `${qualifiedResource(group, plural)} "${name}" not found`, { target: { group, kind: plural, name } });
}

export function alreadyExists(group: string, plural: string, name: string): StatusError {
  return new StatusError("already-exists", `${qualifiedResource(group, plural)} "${name}" already exists`, { target: { group, kind: plural, name } });
}

/** NewConflict: `Operation cannot be fulfilled on <resource> "<name>": <why>`. */
export function conflict(group: string, plural: string, name: string, why: string): StatusError {
  return new StatusError("conflict", `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": ${why}`, { target: { group, kind: plural, name } });
}

export const OPTIMISTIC_LOCK_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again";

export function staleVersion(group: string, plural: string, name: string): StatusError {
  return conflict(group, plural, name, OPTIMISTIC_LOCK_MESSAGE);
}

/** NewInvalid: `<Kind> "<name>" is invalid: <cause>` or `... is invalid: [<cause>, <cause>]`. */
export function invalid(group: string, kind: string, name: string, causes: readonly ErrorCause[]): StatusError {
  const text = causes.map(causeText);
  const joined = text.length === 1 ? text[0] : `[${text.join(", ")}]`;
  return new StatusError("invalid", `${kind}${name === "" ? "" : ` "${name}"`} is invalid: ${joined}`, { target: { group, kind, name }, causes });
}

/** field.Error's text: `spec.x: Required value`, `metadata.name: Invalid value: "X": why`. */
export function causeText(c: ErrorCause): string {
  return c.field === "" ? c.message : `${c.field}: ${c.message}`;
}

export const required = (field: string, detail = ""): ErrorCause => ({ field, reason: "FieldValueRequired", message: detail === "" ? "Required value" : `Required value: ${detail}` });
export const invalidValue = (field: string, value: unknown, detail: string): ErrorCause => ({ field, reason: "FieldValueInvalid", message: `Invalid value: ${goValue(value)}: ${detail}` });
export const forbidden = (field: string, detail: string): ErrorCause => ({ field, reason: "FieldValueForbidden", message: `Forbidden: ${detail}` });
export const notSupported = (field: string, value: unknown, allowed: readonly string[]): ErrorCause => ({ field, reason: "FieldValueNotSupported", message: `Unsupported value: ${goValue(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(", ")}` });
export const tooMany = (field: string, max: number): ErrorCause => ({ field, reason: "FieldValueTooMany", message: `Too many: must have at most ${max} items` });

/** Values as field.Error prints them: strings quoted, numbers bare. */
function goValue(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v) ?? "null";
}

export const badRequest = (message: string): StatusError => new StatusError("invalid-argument", message);

const BY_KIND: Record<HarnessErrorKind, { code: number; reason: string }> = {
  "invalid-config": { code: 400, reason: "BadRequest" },
  "invalid-argument": { code: 400, reason: "BadRequest" },
  invalid: { code: 422, reason: "Invalid" },
  "not-found": { code: 404, reason: "NotFound" },
  "already-exists": { code: 409, reason: "AlreadyExists" },
  conflict: { code: 409, reason: "Conflict" },
  expired: { code: 410, reason: "Expired" },
  unauthorized: { code: 401, reason: "Unauthorized" },
  forbidden: { code: 403, reason: "Forbidden" },
  "method-not-allowed": { code: 405, reason: "MethodNotAllowed" },
  "unsupported-media-type": { code: 415, reason: "UnsupportedMediaType" },
  "too-large": { code: 413, reason: "RequestEntityTooLarge" },
  "too-many-requests": { code: 429, reason: "TooManyRequests" },
  exhausted: { code: 500, reason: "InternalError" },
  unavailable: { code: 503, reason: "ServiceUnavailable" },
  deadline: { code: 504, reason: "Timeout" },
  internal: { code: 500, reason: "InternalError" },
};

/** The HTTP code of an error kind. */
export function statusCode(kind: HarnessErrorKind): number {
  return BY_KIND[kind].code;
}

/** The metav1.Status body for any error (a non-HarnessError is an InternalError). */
export function toStatus(e: unknown): K8sStatus {
  if (!isHarnessError(e)) {
    return { apiVersion: "v1", kind: "Status", metadata: {}, status: "Failure", message: `Internal error occurred: ${errorMessage(e)}`, reason: "InternalError", code: 500 };
  }
  const { code, reason } = BY_KIND[e.kind];
  const status: K8sStatus = { apiVersion: "v1", kind: "Status", metadata: {}, status: "Failure", message: e.message, reason, code };
  const target = e instanceof StatusError ? e.target : undefined;
  const details: NonNullable<K8sStatus["details"]> = {};
  if (target !== undefined) {
    if (target.name !== "") details.name = target.name;
    if (target.group !== "") details.group = target.group;
    details.kind = target.kind;
    if (target.uid !== undefined) details.uid = target.uid;
  }
  if (e.causes !== undefined && e.causes.length > 0) details.causes = e.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field }));
  if (e instanceof StatusError && e.retryAfterSeconds !== undefined) details.retryAfterSeconds = e.retryAfterSeconds;
  if (Object.keys(details).length > 0) status.details = details;
  if (e instanceof StatusError && e.reason !== undefined) status.reason = e.reason;
  return status;
}
