// The fake EC2's call log: one record per request that reached the service, kept in a ring buffer
// (the oldest go first past the cap) and read by the harness (GET /_harness/calls) to check the
// account-wide rate limit and count calls per caller.

export interface CallRecord {
  /** 1, 2, 3, … in arrival order; a reader resumes with ?since=<last seq>. */
  readonly seq: number;
  /** Clock time (ms) the request was decided: when it took its rate-limit token or was refused. */
  readonly at: number;
  /** The access key id of the SigV4 credential ("" when authentication failed). */
  readonly caller: string;
  readonly action: string;
  /** HTTP status of the reply. */
  readonly status: number;
  /** "" on success, else the EC2 error code. */
  readonly code: string;
  /** True when the request took a token from the account's bucket (what the rate limit counts). */
  readonly tokened: boolean;
  readonly requestId: string;
  /** Time from arrival to reply (ms), the durable write included. */
  readonly durationMs: number;
}

export class CallLog {
  readonly #cap: number;
  readonly #ring: CallRecord[] = [];
  #seq = 0;

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(rec: Omit<CallRecord, "seq">): CallRecord {
    const r = { ...rec, seq: ++this.#seq };
    this.#ring.push(r);
    if (this.#ring.length > this.#cap) this.#ring.shift();
    return r;
  }

  /** Records after `since` still held, and how many after it were already dropped. */
  since(since: number): { calls: CallRecord[]; dropped: number; last: number } {
    const calls = this.#ring.filter((r) => r.seq > since);
    const first = this.#ring[0]?.seq ?? this.#seq + 1;
    return { calls, dropped: Math.max(0, first - since - 1), last: this.#seq };
  }
}
