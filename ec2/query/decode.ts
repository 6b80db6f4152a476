// Shared parameter shapes of the EC2 actions: Filter.N.Name / Filter.N.Value.M, TagSpecification.N
// with Tag.M.Key / Value, Tag.N lists, and the id + filter + page parameters of every Describe*.

import type { DescribeRequest } from "../model/describe.js";
import type { Filter } from "../model/filters.js";
import type { TagPair, TagSpec } from "../model/tags.js";
import { fault } from "../model/faults.js";
import type { Params } from "./params.js";

export function filters(p: Params): Filter[] {
  return p.list("Filter", (k) => {
    const name = p.str(`${k}.Name`);
    if (name === undefined || name === "") throw fault.missingParameter(`${k}.Name`);
    return { name, values: p.strings(`${k}.Value`) };
  });
}

export function tags(p: Params, prefix: string): TagPair[] {
  return p.list(prefix, (k) => {
    const key = p.str(`${k}.Key`);
    if (key === undefined) throw fault.missingParameter(`${k}.Key`);
    return { key, value: p.str(`${k}.Value`) ?? "" };
  });
}

export function tagSpecs(p: Params): TagSpec[] {
  return p.list("TagSpecification", (k) => ({ resourceType: p.required(`${k}.ResourceType`), tags: tags(p, `${k}.Tag`) }));
}

/** Ids (`<idName>.N`), filters, MaxResults and NextToken of a Describe* call. */
export function describeRequest(p: Params, idName: string | undefined): DescribeRequest {
  return {
    ids: idName === undefined ? [] : p.strings(idName),
    filters: filters(p),
    maxResults: p.int("MaxResults"),
    nextToken: p.str("NextToken"),
  };
}
