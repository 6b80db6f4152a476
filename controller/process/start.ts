// mock-vpc-resource-controller's process: the controller on the kube backend of the cluster seam
// (--kubeconfig or the in-cluster service account), EC2 through the SDK client (--ec2-endpoint),
// the optional HTTPS mutating webhook, a "ready" line, and a clean stop.

import { makeServingCert } from "../../apiserver/tls.js";
import { createKubeCluster } from "../../cluster/client/kube/index.js";
import { systemClock } from "../../common/clock.js";
import { createEc2Client } from "../../common/ec2/client.js";
import { createEc2HarnessClient } from "../../common/ec2/harness.js";
import { errorMessage } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { announce } from "../../common/log.js";
import { createController } from "../controller.js";
import { createRemoteEc2 } from "../ec2-remote.js";
import { createSeededRng } from "../rng.js";
import type { Ec2Api } from "../types.js";
import type { ControllerProcessConfig } from "./flags.js";
import { WEBHOOK_PATH, registerWebhook, startWebhookServer } from "./webhook.js";
import type { WebhookServer } from "./webhook.js";

export interface RunningController {
  shutdown(reason: string): Promise<void>;
}

function remoteEc2(cfg: ControllerProcessConfig, endpoint: string, log: Logger): Ec2Api {
  return createRemoteEc2({
    name: "vpc-resource-controller",
    limit: { qps: cfg.ec2Qps, burst: cfg.ec2Burst },
    makeClient: (name, limit) => createEc2Client({ endpoint, accessKeyId: name, ...(limit === undefined ? {} : { rateLimit: limit }) }, systemClock),
    primarySubnetCidr: cfg.primarySubnetCidr,
    branchSubnetCidr: cfg.branchSubnetCidr,
    harness: createEc2HarnessClient(endpoint),
    onError: (what, e) => log.warn({ err: errorMessage(e) }, what),
  });
}

export async function startControllerProcess(cfg: ControllerProcessConfig, log: Logger): Promise<RunningController> {
  const clock = systemClock;
  const cluster = createKubeCluster({
    ...(cfg.kubeconfig === undefined ? {} : { kubeconfig: cfg.kubeconfig }),
    clock, qps: cfg.apiQps, burst: cfg.apiBurst, userAgent: "mock-vpc-resource-controller",
    log: (level, msg, fields) => log[level](fields, msg),
  });
  if (cfg.ec2Endpoint === undefined) log.warn({}, "no --ec2-endpoint: using an in-process fake EC2 that no ipamd can see");
  const controller = createController(
    {
      clock, cluster, rng: createSeededRng(cfg.seed),
      ...(cfg.ec2Endpoint === undefined ? {} : { ec2: remoteEc2(cfg, cfg.ec2Endpoint, log) }),
      log: (level, msg, fields) => log[level](fields ?? {}, msg),
    },
    {
      provisioningDelay: { kind: "fixed", fixedMs: cfg.provisioningDelayMs },
      cooldownMs: cfg.cooldownMs,
      deleteQueueIntervalMs: cfg.deletePassIntervalMs,
      resyncMs: cfg.resyncMs,
      ec2: { qps: cfg.ec2Qps, burst: cfg.ec2Burst, primarySubnetCidr: cfg.primarySubnetCidr, branchSubnetCidr: cfg.branchSubnetCidr },
    },
  );
  log.info({ server: cluster.server, source: cluster.source }, "watching nodes, pods, SecurityGroupPolicies and CNINodes");
  await controller.start();
  let webhook: WebhookServer | undefined;
  if (cfg.webhookListen !== undefined) {
    const host = cfg.webhookListen.slice(0, cfg.webhookListen.lastIndexOf(":")).replace(/^\[|\]$/g, "");
    const svc = cfg.webhookService;
    const svcNames = svc === undefined ? [] : [`${svc.name}.${svc.namespace}.svc`, `${svc.name}.${svc.namespace}.svc.cluster.local`];
    const cert = makeServingCert([host, ...svcNames]);
    const hook = controller.admissionHook();
    webhook = await startWebhookServer({
      listen: cfg.webhookListen, certPem: cert.certPem, keyPem: cert.keyPem,
      mutate: (pod) => hook("CREATE", pod),
      onError: (e) => log.warn({ err: errorMessage(e) }, "webhook request failed"),
    });
    const clientConfig = svc === undefined ? { url: webhook.url } : { service: { ...svc, path: WEBHOOK_PATH, port: 443 } };
    await registerWebhook(cluster.http, { name: cfg.webhookConfigName, clientConfig, caPem: cert.caPem });
  }
  announce(log, { server: cluster.server, ec2: cfg.ec2Endpoint ?? "in-process", webhook: webhook?.url ?? "off" }, "ready");
  let stopping: Promise<void> | undefined;
  return {
    shutdown(reason) {
      stopping ??= (async () => {
        log.info({ reason }, "shutting down");
        controller.stop();
        await controller.flushEvents().catch(() => undefined);
        await webhook?.close();
        announce(log, { reason }, "stopped");
      })();
      return stopping;
    },
  };
}
