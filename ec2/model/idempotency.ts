// ClientToken idempotency (RunInstances, CreateNetworkInterface, AssociateTrunkInterface): a retry
// with the same token and the same parameters gets what the first call made instead of a second
// resource; the same token with other parameters is IdempotentParameterMismatch. The SDKs fill the
// token themselves, so a retry after a lost reply never leaks a resource.

import { fault } from "./faults.js";
import type { Ec2Model } from "./model.js";

/** A stable text of the request, to compare a retry with the first call. */
export function fingerprint(req: unknown): string {
  return JSON.stringify(req, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
}

/**
 * Runs `make` once per token: a known token with the same request returns `replay(ids)` of the ids
 * the first call recorded; no token always makes.
 */
export function once<T>(
  m: Ec2Model,
  action: string,
  token: string | undefined,
  req: unknown,
  make: () => { result: T; ids: readonly string[] },
  replay: (ids: readonly string[]) => T,
): T {
  if (token === undefined || token === "") return make().result;
  const print = fingerprint(req);
  const seen = m.tokens.get(token);
  if (seen !== undefined) {
    if (seen.action !== action || seen.fingerprint !== print) throw fault.idempotencyMismatch(token);
    return replay(seen.resultIds);
  }
  const { result, ids } = make();
  m.rememberToken({ token, action, fingerprint: print, resultIds: ids });
  return result;
}
