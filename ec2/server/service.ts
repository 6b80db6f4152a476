// One Query API request, start to end, in EC2's order: authentication, the action and version, the
// account-wide rate limit (RequestLimitExceeded, 503), the parameters (UnknownParameter, …), the
// harness faults, DryRun, the model, and for a change the durable write before the reply. Every
// outcome is an EC2-shaped reply and one call-log record; nothing a caller sends can crash it.

import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "../../common/clock.js";
import { isEc2Error } from "../../common/ec2/errors.js";
import { errorMessage } from "../../common/errors.js";
import { chance, createSeededRng } from "../../common/rng.js";
import type { Rng } from "../../common/rng.js";
import { createTokenBucket } from "../../common/ratelimit.js";
import type { TokenBucket } from "../../common/ratelimit.js";
import { fault } from "../model/faults.js";
import { ACTIONS, API_VERSION } from "../query/actions.js";
import { authenticate } from "../query/auth.js";
import { Params, parseForm } from "../query/params.js";
import { errorXml, successXml } from "../query/xml.js";
import { CallLog } from "./calllog.js";
import { ChangeFeed } from "./changes.js";
import type { Ec2Faults, RateLimit } from "./knobs.js";
import { NO_FAULTS } from "./knobs.js";
import type { StateHolder } from "./state.js";

export interface QueryReply {
  readonly status: number;
  readonly body: string;
  /** Also sent as the x-amzn-requestid header, where the SDKs read $metadata.requestId. */
  readonly requestId: string;
}

export interface ServiceLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface ServiceOptions {
  readonly rateLimit: RateLimit;
  readonly callLogSize: number;
  /** Seeds the fault draws (kept apart from the id RNG, so faults never shift ids). */
  readonly seed: number;
}

export class Ec2Service {
  readonly state: StateHolder;
  readonly calls: CallLog;
  /** Moves with every committed change (GET /_harness/fabric long-polls on it). */
  readonly changes = new ChangeFeed();
  readonly #clock: Clock;
  readonly #log: ServiceLog;
  readonly #faultRng: Rng;
  #faults: Ec2Faults = NO_FAULTS;
  #limit: RateLimit;
  #bucket: TokenBucket | undefined;

  constructor(state: StateHolder, deps: { clock: Clock; log: ServiceLog }, options: ServiceOptions) {
    this.state = state;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.calls = new CallLog(options.callLogSize);
    this.#faultRng = createSeededRng((options.seed ^ 0x5bd1e995) >>> 0);
    this.#limit = options.rateLimit;
    this.#bucket = this.#newBucket(options.rateLimit);
  }

  get faults(): Ec2Faults {
    return this.#faults;
  }

  set faults(f: Ec2Faults) {
    this.#faults = f;
    this.state.model.subnetExhausted = f.subnetExhausted;
  }

  get rateLimit(): RateLimit {
    return this.#limit;
  }

  /** A new limit starts with a full bucket. */
  set rateLimit(r: RateLimit) {
    this.#limit = r;
    this.#bucket = this.#newBucket(r);
  }

  async handle(headers: IncomingHttpHeaders, form: string): Promise<QueryReply> {
    const started = this.#clock.now();
    const requestId = randomUUID();
    const rec = { caller: "", action: "", tokened: false, at: started };
    let reply: QueryReply;
    let code = "";
    try {
      reply = { status: 200, body: await this.#run(headers, form, requestId, rec), requestId };
    } catch (e: unknown) {
      const err = isEc2Error(e) ? e : fault.internal();
      if (!isEc2Error(e)) this.#log.warn({ requestId, action: rec.action, err: errorMessage(e) }, "request failed inside the fake EC2");
      code = err.code;
      reply = { status: err.status, body: errorXml(err.code, err.ec2Message, requestId), requestId };
    }
    this.calls.add({ ...rec, status: reply.status, code, requestId, durationMs: this.#clock.now() - started });
    this.#log.debug({ requestId, caller: rec.caller, action: rec.action, status: reply.status, code }, "ec2 call");
    return reply;
  }

  async #run(headers: IncomingHttpHeaders, form: string, requestId: string, rec: { caller: string; action: string; tokened: boolean; at: number }): Promise<string> {
    rec.caller = authenticate(headers, this.#clock.now()).accessKeyId;
    const flat = parseForm(form);
    const action = flat.get("Action");
    if (action === undefined || action === "") throw fault.missingAction();
    rec.action = action;
    const version = flat.get("Version");
    if (version === undefined || version === "") throw fault.missingParameter("Version");
    const def = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (def === undefined) throw fault.invalidAction(action);
    if (version !== API_VERSION) throw fault.badValue("Version", version, `This endpoint speaks EC2 API version ${API_VERSION}.`);
    rec.at = this.#clock.now();
    if (this.#bucket !== undefined && !this.#bucket.tryTake()) throw fault.throttled();
    rec.tokened = true;
    if (chance(this.#faultRng, this.#faults.throttleRate)) throw fault.throttled();
    const p = new Params(flat);
    p.str("Action");
    p.str("Version");
    const dryRun = p.bool("DryRun") ?? false;
    const run = def.decode(p);
    const unknown = p.unused()[0];
    if (unknown !== undefined) throw fault.unknownParameter(unknown);
    if (chance(this.#faultRng, this.#faults.failureRate)) throw fault.internal();
    if (dryRun) throw fault.dryRun();
    const body = run(this.state.model);
    // A change is answered only once it is on disk; a read only once what it saw is.
    await (def.mutates ? this.state.commits.commit() : this.state.commits.barrier());
    if (def.mutates) this.changes.bump();
    return successXml(action, requestId, body);
  }

  #newBucket(r: RateLimit): TokenBucket | undefined {
    return r.qps > 0 ? createTokenBucket(this.#clock, r.qps, r.burst) : undefined;
  }
}
