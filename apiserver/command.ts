// `vpc-cni-harness api-server`: serves the in-memory store as a Kubernetes API (kubectl,
// client-node informers) over HTTPS with a token, writes a kubeconfig, schedules pending pods.
// Exit codes: 0 after SIGTERM/SIGINT, 1 when it cannot start, 2 for usage errors.

import { Command } from "commander";
import { errorMessage } from "../common/errors.js";
import { packageVersion } from "../common/package-info.js";
import { resolveApiServerFlags } from "./options.js";
import type { ApiServerConfig, RawApiServerFlags } from "./options.js";

export function apiServerCommand(): Command {
  return new Command("api-server")
    .description("serve an in-memory cluster as a Kubernetes API server (HTTPS, bearer token) that kubectl and client-node can use")
    .option("--listen <host:port>", "address to listen on (loopback unless --allow-remote; port 0 picks a free one)", "127.0.0.1:6443")
    .option("--kubeconfig <file>", "kubeconfig to write (mode 0600): server URL, CA certificate, token")
    .option("--no-scheduler", "do not bind pending pods to nodes (another scheduler, or the test, does it)")
    .option("--allow-remote", "allow a non-loopback --listen address")
    .option("--log-level <level>", "debug, info, warn or error", "info")
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (flags: RawApiServerFlags) => {
      let config: ApiServerConfig;
      try {
        config = resolveApiServerFlags(flags);
      } catch (e) {
        process.stderr.write(`api-server: ${errorMessage(e)}\n`);
        process.exit(2);
      }
      const { runApiServer, createLogger } = await import("./run.js");
      const log = createLogger(config.logLevel);
      let stopping = false;
      const running = runApiServer(config, log);
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) process.exit(130);
        stopping = true;
        running.then((s) => s.stop(signal)).then(() => process.exit(0), () => process.exit(1));
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
      try {
        await running;
      } catch (e) {
        process.stderr.write(`api-server: ${errorMessage(e)}\n`);
        process.exit(1);
      }
    });
}
