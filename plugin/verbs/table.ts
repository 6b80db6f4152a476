// The verbs wired to real dependencies for the mock-vpc-cni process: the ipamd client (grpc-js or http2), the
// iproute2 dataplane (or the recording one for `"dataplane": "none"`), the file attachment store.
import { systemClock } from "../../common/clock.js";
import type { IpamdClient } from "../client/types.js";
import type { Logger } from "../cni/log.js";
import type { NetConf } from "../cni/netconf.js";
import { RecordingDataplane } from "../dataplane/recording.js";
import type { Dataplane } from "../dataplane/types.js";
import { bindVerbs } from "./bind.js";
import { fileAttachmentStore } from "./state-file.js";

async function dataplaneFor(conf: NetConf, log: Logger): Promise<Dataplane> {
  if (conf.dataplane === "none") return new RecordingDataplane({ log, acceptChecks: true });
  // Imported only when used: the none mode never loads it (nor execa).
  const { createIproute2Dataplane } = await import("../dataplane/iproute2.js");
  // rtnetlink through Bun's FFI: no `ip`/`nsenter` process per batch (README, "Performance").
  if (conf.dataplaneOps === "netlink" && (globalThis as { Bun?: unknown }).Bun !== undefined) {
    const [{ loadLibc }, { netlinkOpRunner }] = await Promise.all([import("../dataplane/netlink/libc.js"), import("../dataplane/netlink/runner.js")]);
    return createIproute2Dataplane({ log, ops: netlinkOpRunner(loadLibc()) });
  }
  return createIproute2Dataplane({ log });
}

/** Only the chosen transport is loaded: grpc-js alone costs tens of ms of CPU per invocation. */
async function ipamdFor(conf: NetConf): Promise<IpamdClient> {
  const opts = { address: conf.ipamdAddress, timeoutMs: conf.ipamdTimeoutMs };
  if (conf.ipamdTransport === "http2") return (await import("../client/h2.js")).createH2IpamdClient(opts);
  return (await import("../client/grpc.js")).createIpamdClient(opts);
}

export const processVerbs = bindVerbs(async (conf, log) => {
  const [ipamd, dataplane] = await Promise.all([ipamdFor(conf), dataplaneFor(conf, log)]);
  const deps = {
    ipamd,
    dataplane,
    clock: systemClock,
    log,
    store: fileAttachmentStore(conf.stateDir),
  };
  return { deps, close: () => ipamd.close() };
});
