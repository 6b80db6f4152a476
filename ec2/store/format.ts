// The fake EC2's state file (<state-dir>/ec2-state.json): the model's records and the RNG's state,
// stamped with a format version. Decoding is strict: a file that is not JSON, has another format,
// malformed records or dangling references is refused, naming the file and the problem, and kept
// as it is (never silently replaced by an empty VPC).

import { z } from "zod";
import { HarnessError } from "../../common/errors.js";
import { isIpv4, parseCidr } from "../../common/ipv4.js";
import type { ModelData } from "../model/model.js";
import { INTERFACE_TYPES } from "../model/types.js";
import type { Tags } from "../model/types.js";

export const STATE_FORMAT = "mock-ec2-state/1";
export const STATE_FILE = "ec2-state.json";

export interface StateDocument {
  readonly model: ModelData;
  /** The RNG's state when the document was taken (ids continue from it after a restart). */
  readonly rngState: number;
}

const id = (prefix: string): z.ZodString => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`));
const ip = z.string().refine(isIpv4, "not an IPv4 address");
const tags = z.array(z.tuple([z.string(), z.string()]));
const time = z.number().finite();

const schema = z.strictObject({
  format: z.literal(STATE_FORMAT),
  rngState: z.number().int().min(0).max(0xffffffff),
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  vpc: z.strictObject({ vpcId: id("vpc"), cidrs: z.array(z.string()).min(1), defaultSecurityGroupId: id("sg"), tags }),
  subnets: z.array(z.strictObject({ subnetId: id("subnet"), cidr: z.string(), availabilityZone: z.string().min(1), tags })),
  instances: z.array(z.strictObject({
    instanceId: id("i"), reservationId: id("r"), instanceType: z.string(), imageId: z.string(), subnetId: id("subnet"),
    primaryEniId: id("eni"), privateIp: ip, groups: z.array(z.string()), launchTime: time,
    state: z.enum(["running", "terminated"]), stateChangedAt: time, tags,
  })),
  enis: z.array(z.strictObject({
    eniId: id("eni"), subnetId: id("subnet"), macAddress: z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/),
    interfaceType: z.enum(INTERFACE_TYPES as [string, ...string[]]), description: z.string(), groups: z.array(z.string()),
    ips: z.array(ip), sourceDestCheck: z.boolean(), tags, createdAt: time,
    attachment: z.strictObject({
      attachmentId: id("eni-attach"), instanceId: id("i"), deviceIndex: z.number().int().min(0), deleteOnTermination: z.boolean(), attachTime: time,
    }).nullable(),
  })),
  associations: z.array(z.strictObject({ associationId: id("trunk-assoc"), trunkEniId: id("eni"), branchEniId: id("eni"), vlanId: z.number().int() })),
  permissions: z.array(z.strictObject({
    permissionId: id("eni-perm"), eniId: id("eni"), permission: z.enum(["INSTANCE-ATTACH", "EIP-ASSOCIATE"]), awsAccountId: z.string(), awsService: z.string(),
  })),
  tokens: z.array(z.strictObject({ token: z.string(), action: z.string(), fingerprint: z.string(), resultIds: z.array(z.string()) })),
});

const pairs = (t: Tags): [string, string][] => [...t.entries()];

/** Every record written field by field in one fixed order, so equal states encode to equal text. */
export function encodeState(doc: StateDocument): string {
  const m = doc.model;
  return JSON.stringify({
    format: STATE_FORMAT,
    rngState: doc.rngState,
    accountId: m.accountId,
    region: m.region,
    vpc: { vpcId: m.vpc.vpcId, cidrs: m.vpc.cidrs, defaultSecurityGroupId: m.vpc.defaultSecurityGroupId, tags: pairs(m.vpc.tags) },
    subnets: m.subnets.map((s) => ({ subnetId: s.subnetId, cidr: s.cidr, availabilityZone: s.availabilityZone, tags: pairs(s.tags) })),
    instances: m.instances.map((i) => ({
      instanceId: i.instanceId, reservationId: i.reservationId, instanceType: i.instanceType, imageId: i.imageId, subnetId: i.subnetId,
      primaryEniId: i.primaryEniId, privateIp: i.privateIp, groups: i.groups, launchTime: i.launchTime, state: i.state,
      stateChangedAt: i.stateChangedAt, tags: pairs(i.tags),
    })),
    enis: m.enis.map((e) => ({
      eniId: e.eniId, subnetId: e.subnetId, macAddress: e.macAddress, interfaceType: e.interfaceType, description: e.description,
      groups: e.groups, ips: e.ips, sourceDestCheck: e.sourceDestCheck, tags: pairs(e.tags), createdAt: e.createdAt,
      attachment: e.attachment === undefined ? null : {
        attachmentId: e.attachment.attachmentId, instanceId: e.attachment.instanceId, deviceIndex: e.attachment.deviceIndex,
        deleteOnTermination: e.attachment.deleteOnTermination, attachTime: e.attachment.attachTime,
      },
    })),
    associations: m.associations.map((a) => ({ associationId: a.associationId, trunkEniId: a.trunkEniId, branchEniId: a.branchEniId, vlanId: a.vlanId })),
    permissions: m.permissions.map((p) => ({
      permissionId: p.permissionId, eniId: p.eniId, permission: p.permission, awsAccountId: p.awsAccountId, awsService: p.awsService,
    })),
    tokens: m.tokens.map((t) => ({ token: t.token, action: t.action, fingerprint: t.fingerprint, resultIds: t.resultIds })),
  });
}

/** Parses and checks a state file's text; `where` names the file in errors. */
export function decodeState(text: string, where: string): StateDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e: unknown) {
    throw refused(where, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const format = typeof raw === "object" && raw !== null ? (raw as { format?: unknown }).format : undefined;
  if (format !== STATE_FORMAT) throw refused(where, `format ${JSON.stringify(format)} is not ${JSON.stringify(STATE_FORMAT)}`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refused(where, `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const d = parsed.data;
  const model: ModelData = {
    accountId: d.accountId,
    region: d.region,
    vpc: { ...d.vpc, tags: new Map(d.vpc.tags) },
    subnets: d.subnets.map((s) => ({ ...s, tags: new Map(s.tags) })),
    instances: d.instances.map((i) => ({ ...i, tags: new Map(i.tags) })),
    enis: d.enis.map((e) => ({
      ...e, interfaceType: e.interfaceType as "interface" | "trunk" | "branch", tags: new Map(e.tags), attachment: e.attachment ?? undefined,
    })),
    associations: d.associations,
    permissions: d.permissions,
    tokens: d.tokens,
  };
  const problem = checkReferences(model);
  if (problem !== undefined) throw refused(where, problem);
  return { model, rngState: d.rngState };
}

/** Dangling or duplicate references that the schema cannot see; undefined when consistent. */
function checkReferences(m: ModelData): string | undefined {
  try {
    for (const c of m.vpc.cidrs) parseCidr(c);
    for (const s of m.subnets) parseCidr(s.cidr);
  } catch (e: unknown) {
    return e instanceof Error ? e.message : String(e);
  }
  const subnets = new Set(m.subnets.map((s) => s.subnetId));
  const instances = new Set(m.instances.map((i) => i.instanceId));
  const enis = new Set(m.enis.map((e) => e.eniId));
  if (enis.size !== m.enis.length) return "an interface id appears twice";
  const ips = new Set<string>();
  for (const e of m.enis) {
    if (!subnets.has(e.subnetId)) return `interface ${e.eniId}: unknown subnet ${e.subnetId}`;
    if (e.attachment !== undefined && !instances.has(e.attachment.instanceId)) return `interface ${e.eniId}: attached to unknown instance ${e.attachment.instanceId}`;
    for (const a of e.ips) {
      if (ips.has(a)) return `address ${a} is held by two interfaces`;
      ips.add(a);
    }
  }
  for (const i of m.instances) if (!subnets.has(i.subnetId)) return `instance ${i.instanceId}: unknown subnet ${i.subnetId}`;
  for (const a of m.associations) {
    if (!enis.has(a.trunkEniId) || !enis.has(a.branchEniId)) return `association ${a.associationId}: unknown interface`;
  }
  return undefined;
}

function refused(where: string, problem: string): HarnessError {
  return new HarnessError("invalid-config", `mock-ec2 state ${where}: ${problem}; refusing to start with it`, {
    details: "the file is kept as it is; move it aside (or point --state-dir elsewhere) to start with a new VPC",
  });
}
