// Reads the `vpc.amazonaws.com/pod-eni` annotation the way ipamd does (docs/REFERENCE.md §1):
// a JSON array of which only element 0 counts; keys matched case-insensitively as Go's
// encoding/json does, so both `vlanId` (controller) and `vlanID` (ipamd's struct tag) work.

export interface BranchEni {
  eniId: string;
  mac: string;
  privateIp: string;
  vlanId: number;
  subnetCidr: string;
  /** Subnet base address + 1: the VPC router, as networkutils.GetIPv4Gateway computes it. */
  subnetGateway: string;
}

export type ParseResult = { ok: true; eni: BranchEni } | { ok: false; problem: string };

function field(obj: Record<string, unknown>, name: string): unknown {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === want) return v;
  return undefined;
}

function str(obj: Record<string, unknown>, name: string): string {
  const v = field(obj, name);
  return typeof v === "string" ? v : "";
}

export function parseBranchAnnotation(value: string): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return { ok: false, problem: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!Array.isArray(parsed) || parsed.length < 1 || typeof parsed[0] !== "object" || parsed[0] === null) {
    return { ok: false, problem: "not a non-empty JSON array of objects" };
  }
  const first = parsed[0] as Record<string, unknown>;
  const vlan = field(first, "vlanID");
  const eni = {
    eniId: str(first, "eniId"),
    mac: str(first, "ifAddress"),
    privateIp: str(first, "privateIp"),
    vlanId: typeof vlan === "number" && Number.isInteger(vlan) ? vlan : 0,
    subnetCidr: str(first, "subnetCidr"),
  };
  // Same acceptance test as ipamd: an IP, a MAC and a non-zero VLAN id are required.
  if (eni.privateIp === "" || eni.mac === "" || eni.vlanId === 0) {
    return { ok: false, problem: `missing privateIp, ifAddress or vlanID in ${value}` };
  }
  const gw = subnetGateway(eni.subnetCidr);
  if (gw === undefined) return { ok: false, problem: `invalid subnetCidr "${eni.subnetCidr}"` };
  return { ok: true, eni: { ...eni, subnetGateway: gw } };
}

/** Base address of an IPv4 CIDR plus one, or undefined when the CIDR is malformed. */
export function subnetGateway(cidr: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (m === null) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const gw = ((addr & mask) >>> 0) + 1;
  return [gw >>> 24, (gw >>> 16) & 255, (gw >>> 8) & 255, gw & 255].join(".");
}
