// `vpc-cni-harness instance`: find or launch a node's EC2 instance (tag Name=<node>) and print it as
// JSON. What kind's DaemonSet runs first on each node (deploy/), so that mock-ipamd finds its
// instance in mock-ec2 as aws-node finds a real one. Idempotent. Exit 2 for usage errors.

import { Command } from "commander";
import { createEc2Client } from "../../common/ec2/client.js";
import { errorMessage } from "../../common/errors.js";
import { instanceLimits } from "../../common/limits.js";
import { ensureInstance, providerId } from "./instance.js";

export function instanceCommand(): Command {
  return new Command("instance")
    .description("find the EC2 instance tagged Name=<node> in mock-ec2, or launch it; print it as JSON")
    .option("--ec2-endpoint <url>", "the EC2 endpoint (mock-ec2), e.g. http://10.96.0.20:4566")
    .option("--node-name <name>", "the node (the instance's Name tag)")
    .option("--instance-type <type>", "instance type of a new instance", "m5.large")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (f: { ec2Endpoint?: string; nodeName?: string; instanceType: string }) => {
      const problem = f.ec2Endpoint === undefined || !/^https?:\/\/[^\s/]+\/?$/.test(f.ec2Endpoint) ? "--ec2-endpoint http(s)://host:port is required"
        : f.nodeName === undefined || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(f.nodeName) ? "--node-name is required (a Kubernetes node name)"
        : (() => { try { instanceLimits(f.instanceType); return undefined; } catch { return `--instance-type ${f.instanceType}: not an instance type this harness knows`; } })();
      if (problem !== undefined) {
        process.stderr.write(`instance: ${problem}\n`);
        process.exit(2);
      }
      process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
      const ec2 = createEc2Client({ endpoint: f.ec2Endpoint as string, accessKeyId: `instance-${f.nodeName as string}` });
      try {
        const i = await ensureInstance(ec2, f.nodeName as string, f.instanceType);
        process.stdout.write(`${JSON.stringify({ ...i, providerId: providerId(i) })}\n`);
      } catch (e) {
        process.stderr.write(`instance: ${errorMessage(e)}\n`);
        process.exitCode = 1;
      } finally {
        ec2.destroy();
      }
    });
}
