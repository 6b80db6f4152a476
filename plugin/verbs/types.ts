// What every verb is given besides its arguments: the daemon client, the dataplane, the clock, the
// log and the attachment store (all injected: the process wiring is in table.ts, fakes in tests).
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../cni/log.js";
import type { IpamdClient } from "../client/types.js";
import type { Dataplane } from "../dataplane/types.js";
import type { AttachmentStore } from "./state.js";

export interface VerbDeps {
  ipamd: IpamdClient;
  dataplane: Dataplane;
  clock: Clock;
  log: Logger;
  store: AttachmentStore;
}

/** Deadline of one dataplane operation (iproute2 batches take milliseconds; this bounds a hang). */
export const DATAPLANE_TIMEOUT_MS = 30_000;
