// mock-ec2's routing view (GET /_harness/fabric, already shape-checked by common/ec2/harness.ts)
// turned into typed values: every address, MAC and VLAN id checked here, at the edge. One bad entry
// refuses the whole view (the reconciler keeps what it has and asks again), never half of it.

import type { HarnessFabric } from "../../common/ec2/harness.js";
import { HarnessError } from "../../common/errors.js";
import type { VpcInstance, VpcInterface, VpcRouting } from "./types.js";
import { ipv4, mac, subnetGateway } from "./values.js";

const ID = /^(?:i|eni)-[0-9a-f]{8,17}$/;

function id(text: string, what: string): string {
  if (!ID.test(text)) throw new HarnessError("invalid-argument", `${what}: "${text.slice(0, 64)}" is not an EC2 id`);
  return text;
}

function iface(e: HarnessFabric["interfaces"][number]): VpcInterface {
  const what = `interface ${e.eniId.slice(0, 32)}`;
  if (e.interfaceType === "branch" && (e.vlanId === undefined || e.vlanId < 1 || e.vlanId > 4094)) {
    throw new HarnessError("invalid-argument", `${what}: a branch interface needs a VLAN id from 1 to 4094`);
  }
  return {
    eniId: id(e.eniId, what), interfaceType: e.interfaceType, mac: mac(e.macAddress, what),
    subnetGateway: subnetGateway(e.subnetCidr, what), ips: e.ips.map((ip) => ipv4(ip, what)), instanceId: id(e.instanceId, what),
    ...(e.vlanId === undefined ? {} : { vlanId: e.vlanId }),
  };
}

function instance(i: HarnessFabric["instances"][number]): VpcInstance {
  const what = `instance ${i.instanceId.slice(0, 32)}`;
  return { instanceId: id(i.instanceId, what), name: i.name, privateIp: ipv4(i.privateIp, what) };
}

export function parseRouting(v: HarnessFabric): VpcRouting {
  return { version: v.version, instances: v.instances.map(instance), interfaces: v.interfaces.map(iface) };
}
