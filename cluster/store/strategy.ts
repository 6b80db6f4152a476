// A resource's strategy (apiserver pkg/registry/rest: RESTCreateStrategy, RESTUpdateStrategy,
// RESTDeleteStrategy): what the generic registry asks each resource. One object per resource,
// built from a small spec with defaults, so a plain resource is a few lines.

import type { ErrorCause } from "../../common/errors.js";
import type { K8sObject } from "../k8s/types.js";
import type { FieldTable } from "./fields.js";
import { META_FIELDS } from "./fields.js";
import type { NameRule } from "./names.js";
import type { Schema } from "./schema.js";
import type { MergeKeys } from "./strategic.js";
import type { ResourceInfo } from "./types.js";

/** What a strategy may read while preparing an object. */
export interface StrategyContext {
  now: number;
  /** RFC 3339 with milliseconds. */
  timestamp: string;
}

export interface Strategy {
  info: ResourceInfo;
  /** "v1" or "group/version". */
  apiVersion: string;
  nameRule: NameRule;
  /** Pruning and fieldValidation; undefined keeps every field (no schema known). */
  schema: Schema | undefined;
  /** A custom resource: strategic merge patch is 415, messages are apiextensions-apiserver's. */
  custom: boolean;
  /** Writes to the main resource keep the old .status; writes to /status keep only .status. */
  statusSubresource: boolean;
  /** Strategic merge patch merge keys; undefined for custom resources. */
  mergeKeys: MergeKeys | undefined;
  fields: FieldTable;
  /** PUT of a missing object creates it (events). */
  allowCreateOnUpdate: boolean;
  /** PUT without metadata.resourceVersion is allowed (false for custom resources). */
  allowUnconditionalUpdate: boolean;
  /** metadata.generation starts at 1 and goes up when anything but metadata and status changes. */
  generation: boolean;
  /** Objects are deleted this long after their last write (events: the API server's --event-ttl). */
  ttlMs: number | undefined;
  /**
   * Decoding defaults and the built-in admission plugins that run before webhooks (pods: the
   * service account, default tolerations on create). Run again after mutating admission hooks.
   */
  defaults(o: K8sObject, op: "CREATE" | "UPDATE"): void;
  /** What happens to .status on create when the resource has a status subresource. */
  statusOnCreate: "drop" | "keep";
  /** Resets what a client may not set on create (after admission). Mutates the draft. */
  prepareForCreate(o: K8sObject, ctx: StrategyContext): void;
  /** Main-resource update: resets what may not change (status is handled by the registry). */
  prepareForUpdate(o: K8sObject, old: K8sObject): void;
  validate(o: K8sObject): ErrorCause[];
  validateUpdate(o: K8sObject, old: K8sObject): ErrorCause[];
  /** Seconds of graceful deletion for this object and request (0: delete at once). */
  gracePeriod(o: K8sObject, requested: number | undefined): number;
}

export type StrategySpec = Partial<Omit<Strategy, "info" | "apiVersion">> & { info: ResourceInfo };

export const STANDARD_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] as const;

export function strategy(spec: StrategySpec): Strategy {
  const info = spec.custom === true ? { ...spec.info, custom: true } : spec.info;
  return {
    apiVersion: info.group === "" ? info.version : `${info.group}/${info.version}`,
    nameRule: "subdomain",
    schema: undefined,
    custom: false,
    statusSubresource: info.subresources.includes("status"),
    mergeKeys: spec.custom === true ? undefined : {},
    fields: META_FIELDS,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: spec.custom !== true,
    generation: false,
    ttlMs: undefined,
    defaults: () => {},
    statusOnCreate: "drop",
    prepareForCreate: () => {},
    prepareForUpdate: () => {},
    validate: () => [],
    validateUpdate: () => [],
    gracePeriod: () => 0,
    ...spec,
    info,
  };
}

/** A ResourceInfo with the standard verbs. */
export function resource(group: string, version: string, kind: string, plural: string, extra: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    namespaced: true,
    verbs: STANDARD_VERBS,
    subresources: [],
    ...extra,
  };
}
