// Who may do what: the attributes of a resource request as the real authorizers see them
// (apiserver pkg/endpoints/request/requestinfo.go: verb from the method and the path, resource,
// subresource, namespace, name), and the Forbidden Status an authorizer's refusal becomes
// (docs/REFERENCE.md §10). The embedded server authorizes nobody by itself (one admin token); a
// caller may pass a decision function, e.g. a test that holds processes to their ClusterRoles.

import { StatusError, qualifiedResource } from "../cluster/store/index.js";
import type { ResourceRoute } from "./routes.js";

export interface RequestAttributes {
  user: string;
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  apiGroup: string;
  resource: string;
  /** "" or e.g. "status", "binding". */
  subresource: string;
  namespace: string;
  name: string;
}

export type Authorizer = (a: RequestAttributes) => boolean;

/** The user the main token authenticates as. */
export const ADMIN_USER = "vpc-cni-harness-admin";

function verbOf(method: string, r: ResourceRoute, q: URLSearchParams): string {
  const watch = r.watchPrefix || q.get("watch") === "true" || q.get("watch") === "1";
  switch (method) {
    case "GET":
    case "HEAD":
      return watch ? "watch" : r.name === "" ? "list" : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return r.name === "" ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}

export function requestAttributes(user: string, method: string, r: ResourceRoute, q: URLSearchParams): RequestAttributes {
  return { user, verb: verbOf(method, r, q), apiGroup: r.info.group, resource: r.info.plural, subresource: r.subresource, namespace: r.namespace, name: r.name };
}

/**
 * NewForbidden with the RBAC authorizer's reason: `nodes "n" is forbidden: User "u" cannot patch
 * resource "nodes/status" in API group "" at the cluster scope` (403).
 */
export function forbidden(a: RequestAttributes): StatusError {
  const resource = a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`;
  const qualified = qualifiedResource(a.apiGroup, a.resource);
  const object = a.name === "" ? qualified : `${qualified} "${a.name}"`;
  const scope = a.namespace === "" ? "at the cluster scope" : `in the namespace "${a.namespace}"`;
  return new StatusError("forbidden", `${object} is forbidden: User "${a.user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`, {
    target: { group: a.apiGroup, kind: a.resource, name: a.name },
  });
}
