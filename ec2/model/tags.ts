// Tags: CreateTags / DeleteTags on instances, interfaces, subnets and the VPC, and the
// TagSpecification of RunInstances / CreateNetworkInterface. Every resource and tag is checked
// before anything changes, so a bad request leaves every resource as it was.

import { fault } from "./faults.js";
import { isWellFormedId } from "./ids.js";
import type { Ec2Model } from "./model.js";
import type { Tags } from "./types.js";

/** EC2's limits: 50 tags per resource, keys 1..128 characters, values up to 256, no "aws:" keys. */
export const MAX_TAGS = 50;

export interface TagPair {
  readonly key: string;
  readonly value: string;
}

export interface TagSpec {
  readonly resourceType: string;
  readonly tags: readonly TagPair[];
}

export function validateTags(tags: readonly TagPair[]): void {
  for (const t of tags) {
    if (t.key.length === 0 || t.key.length > 128) throw fault.invalidValue(`Tag key must be 1 to 128 characters long: '${t.key}'`);
    if (t.value.length > 256) throw fault.invalidValue(`Tag value for key '${t.key}' exceeds 256 characters`);
    if (t.key.toLowerCase().startsWith("aws:")) throw fault.invalidValue(`Tag keys starting with 'aws:' are reserved for internal use`);
  }
}

/** The tags a TagSpecification list gives resources of one type; other types are refused. */
export function tagsFor(specs: readonly TagSpec[], resourceType: string, allowed: readonly string[]): TagPair[] {
  const out: TagPair[] = [];
  for (const s of specs) {
    if (!allowed.includes(s.resourceType)) {
      throw fault.invalidValue(`'${s.resourceType}' is not a valid taggable resource type for this operation.`);
    }
    if (s.tags.length === 0) throw fault.invalidValue("Tag specification must have at least one tag");
    validateTags(s.tags);
    if (s.resourceType === resourceType) out.push(...s.tags);
  }
  if (out.length > MAX_TAGS) throw fault.invalidValue(`The number of tags exceeds ${MAX_TAGS}`);
  return out;
}

export function toTags(pairs: readonly TagPair[]): Tags {
  return new Map(pairs.map((p) => [p.key, p.value]));
}

/** The tag map of a resource id (instance, interface, subnet, the VPC); changed in place. */
function tagsOf(m: Ec2Model, id: string): Tags {
  if (id.startsWith("eni-") && !id.startsWith("eni-attach-")) return m.eni(id).tags;
  if (id.startsWith("i-")) return m.instance(id).tags;
  if (id.startsWith("subnet-")) return m.subnet(id).tags;
  if (id === m.vpc.vpcId) return m.vpc.tags;
  if (isWellFormedId("vpc", id)) throw fault.vpcNotFound(id);
  throw fault.resourceId(id);
}

function replace(target: Tags, next: Tags): void {
  target.clear();
  for (const [k, v] of next) target.set(k, v);
}

export function createTags(m: Ec2Model, req: { resourceIds: readonly string[]; tags: readonly TagPair[] }): void {
  if (req.resourceIds.length === 0) throw fault.missingParameter("ResourceId");
  if (req.tags.length === 0) throw fault.missingParameter("Tag");
  validateTags(req.tags);
  const targets = req.resourceIds.map((id) => ({ id, tags: tagsOf(m, id) }));
  const next = targets.map(({ id, tags }) => {
    const n = new Map(tags);
    for (const p of req.tags) n.set(p.key, p.value);
    if (n.size > MAX_TAGS) throw fault.tagLimit(id);
    return n;
  });
  targets.forEach(({ tags }, i) => replace(tags, next[i] as Tags));
}

/** Removes each key (only when its value matches, if a value is given; every tag when none is). */
export function deleteTags(m: Ec2Model, req: { resourceIds: readonly string[]; tags: readonly { key: string; value: string | undefined }[] }): void {
  if (req.resourceIds.length === 0) throw fault.missingParameter("ResourceId");
  const targets = req.resourceIds.map((id) => tagsOf(m, id));
  for (const tags of targets) {
    if (req.tags.length === 0) tags.clear();
    for (const p of req.tags) if (p.value === undefined || tags.get(p.key) === p.value) tags.delete(p.key);
  }
}
