// Test helpers for the fake EC2: a model on a fake clock, an in-memory file system for the state
// file (with injectable write failures), and an in-process service with well-formed SigV4 headers.

import type { IncomingHttpHeaders } from "node:http";
import type { AtomicFs } from "../../common/atomic-file.js";
import { FakeClock } from "../../common/clock.js";
import { Ec2Error, isEc2Error } from "../../common/ec2/errors.js";
import { createSeededRng } from "../../common/rng.js";
import { Ec2Model } from "../../ec2/model/model.js";
import type { VpcSpec } from "../../ec2/model/types.js";
import { Ec2Service } from "../../ec2/server/service.js";
import { StateHolder } from "../../ec2/server/state.js";

export const SPEC: VpcSpec = {
  accountId: "123456789012",
  region: "us-west-2",
  vpcCidr: "10.0.0.0/16",
  subnets: [
    { cidr: "10.0.0.0/19", availabilityZone: "us-west-2a" },
    { cidr: "10.0.32.0/19", availabilityZone: "us-west-2a" },
    { cidr: "10.0.64.0/28", availabilityZone: "us-west-2b" },
  ],
};

export function newModel(seed = 1, clock = new FakeClock(1_700_000_000_000)): Ec2Model {
  return Ec2Model.create(SPEC, { rng: createSeededRng(seed), now: () => clock.now() });
}

/** Subnet ids in SPEC order: [primary /19, branch /19, small /28 in another AZ]. */
export function subnetIds(m: Ec2Model): string[] {
  return [...m.subnets.values()].map((s) => s.subnetId);
}

/** The Ec2Error `fn` throws (fails the test when it throws nothing or something else). */
export function ec2ErrorOf(fn: () => unknown): Ec2Error {
  try {
    fn();
  } catch (e) {
    if (isEc2Error(e)) return e;
    throw e;
  }
  throw new Error("expected an Ec2Error, nothing was thrown");
}

/** An in-memory file system; `failWrites` makes every write (temp file) fail until reset. */
export function memoryFs(): AtomicFs & { files: Map<string, string>; failWrites: boolean; writes: number } {
  const files = new Map<string, string>();
  const fs = {
    files,
    failWrites: false,
    writes: 0,
    async readFile(file: string) {
      const t = files.get(file);
      if (t === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
      return t;
    },
    async openForWrite(file: string) {
      let text = "";
      return {
        write: async (d: string) => {
          if (fs.failWrites) throw new Error("EIO: injected write failure");
          text += d;
        },
        sync: async () => void (fs.writes++, files.set(file, text)),
        close: async () => undefined,
      };
    },
    openDir: async () => ({ sync: async () => undefined, close: async () => undefined }),
    async rename(from: string, to: string) {
      const t = files.get(from);
      if (t === undefined) throw new Error(`ENOENT: ${from}`);
      files.set(to, t);
      files.delete(from);
    },
    unlink: async (file: string) => void files.delete(file),
    mkdir: async () => undefined,
  };
  return fs;
}

export interface TestService {
  svc: Ec2Service;
  clock: FakeClock;
  fs: ReturnType<typeof memoryFs>;
  /** Sends Action + params with good auth; resolves status and body. */
  call(action: string, params?: Record<string, string | number | boolean>, opts?: { headers?: IncomingHttpHeaders; version?: string }): Promise<{ status: number; body: string }>;
}

export async function newService(o: { seed?: number; qps?: number; burst?: number } = {}): Promise<TestService> {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const fs = memoryFs();
  const state = await StateHolder.open({ stateDir: "/state", spec: SPEC, seed: o.seed ?? 1, now: () => clock.now(), fs });
  const log = { warn: () => undefined, debug: () => undefined };
  const svc = new Ec2Service(state, { clock, log }, { rateLimit: { qps: o.qps ?? 0, burst: o.burst ?? 18 }, callLogSize: 1000, seed: o.seed ?? 1 });
  return {
    svc, clock, fs,
    call(action, params = {}, opts = {}) {
      const form = new URLSearchParams({ Action: action, Version: opts.version ?? "2016-11-15" });
      for (const [k, v] of Object.entries(params)) form.set(k, String(v));
      return svc.handle(opts.headers ?? authHeaders(clock.now()), form.toString());
    },
  };
}

/** Well-formed SigV4 headers for a request at `now` (signature of the right form, not verified). */
export function authHeaders(now: number, accessKeyId = "AKIDTEST"): IncomingHttpHeaders {
  const amz = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${amz.slice(0, 8)}/us-west-2/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${"ab".repeat(32)}`,
    "x-amz-date": amz,
  };
}

/** The <Code> of an error reply. */
export function codeOf(body: string): string {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? "";
}

export { Ec2Error };
