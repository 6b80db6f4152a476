// The ordinary-ENI path ipamd's warm pool uses (CreateNetworkInterface + AttachNetworkInterface,
// through the same rate-limited fake EC2), shaped as ipamd's EniAttacher.

import { errorMessage } from "../common/errors.js";
import type { Ec2Api, EniAttacher } from "./types.js";

export function createEniAttacher(ec2: Ec2Api, nodeName: string, opts: { ipsPerEni: number }): EniAttacher {
  const secondary = Math.max(0, opts.ipsPerEni - 1);
  return {
    async attachEni(signal) {
      const eni = await ec2.createNetworkInterface({ kind: "secondary", subnet: "primary", secondaryIpCount: secondary, description: "aws-K8S-eni" }, signal);
      let deviceNumber: number;
      try {
        deviceNumber = await ec2.attachNetworkInterface({ eniId: eni.eniId, nodeName }, signal);
      } catch (e) {
        // ipamd deletes an ENI it could not attach, so it does not leak.
        await ec2.deleteNetworkInterface(eni.eniId, signal).catch(() => undefined);
        throw new Error(`failed to attach ENI ${eni.eniId}: ${errorMessage(e)}`, { cause: e });
      }
      return { eniId: eni.eniId, mac: eni.mac, deviceNumber, subnetCidr: eni.subnetCidr, ips: [...eni.privateIps] };
    },
    async detachEni(eniId, signal) {
      await ec2.detachNetworkInterface(eniId, signal);
      await ec2.deleteNetworkInterface(eniId, signal);
    },
  };
}
