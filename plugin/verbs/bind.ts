// Binds the verbs to a dependency factory, giving the dispatcher's VerbTable (used by the process
// wiring in table.ts and by tests with fakes).
import type { Logger } from "../cni/log.js";
import type { NetConf } from "../cni/netconf.js";
import type { VerbArgs, VerbTable } from "../cni/skel.js";
import { add } from "./add.js";
import { check } from "./check.js";
import { del } from "./del.js";
import { gc } from "./gc.js";
import { status } from "./status.js";
import type { VerbDeps } from "./types.js";

/** Makes the deps for one invocation; `close` runs after the verb (e.g. the gRPC channel). */
export type DepsFactory = (conf: NetConf, log: Logger) => Promise<{ deps: VerbDeps; close(): void }>;

export function bindVerbs(factory: DepsFactory): VerbTable {
  const run =
    <T>(fn: (a: VerbArgs, d: VerbDeps) => Promise<T>) =>
    async (a: VerbArgs, log: Logger): Promise<T> => {
      const { deps, close } = await factory(a.conf, log);
      try {
        return await fn(a, deps);
      } finally {
        close();
      }
    };
  return { add: run(add), del: run(del), check: run(check), gc: run(gc), status: run(status) };
}
