// The verbs wired to real dependencies for the mock-vpc-cni process: the grpc-js client, the
// iproute2 dataplane (or the recording one for `"dataplane": "none"`), the file attachment store.
import { systemClock } from "../../common/clock.js";
import { createIpamdClient } from "../client/grpc.js";
import type { Logger } from "../cni/log.js";
import type { NetConf } from "../cni/netconf.js";
import { RecordingDataplane } from "../dataplane/recording.js";
import type { Dataplane } from "../dataplane/types.js";
import { bindVerbs } from "./bind.js";
import { fileAttachmentStore } from "./state-file.js";

async function dataplaneFor(conf: NetConf, log: Logger): Promise<Dataplane> {
  if (conf.dataplane === "none") return new RecordingDataplane({ log, acceptChecks: true });
  // Imported only when used: the none mode and non-dataplane verbs never load it.
  const { createIproute2Dataplane } = await import("../dataplane/iproute2.js");
  return createIproute2Dataplane({ log });
}

export const processVerbs = bindVerbs(async (conf, log) => {
  const ipamd = createIpamdClient({ address: conf.ipamdAddress, timeoutMs: conf.ipamdTimeoutMs });
  const deps = {
    ipamd,
    dataplane: await dataplaneFor(conf, log),
    clock: systemClock,
    log,
    store: fileAttachmentStore(conf.stateDir),
  };
  return { deps, close: () => ipamd.close() };
});
