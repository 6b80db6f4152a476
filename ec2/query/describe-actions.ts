// The read-only actions: DescribeInstances, DescribeInstanceTypes, DescribeSubnets, DescribeVpcs,
// DescribeNetworkInterfaces, DescribeTrunkInterfaceAssociations.

import * as d from "../model/describe.js";
import type { ActionDef } from "./action.js";
import { describeRequest } from "./decode.js";
import { associationXml, eniXml, instanceTypeXml, reservationsXml, subnetXml, vpcXml } from "./render.js";

export const describeActions: Readonly<Record<string, ActionDef>> = {
  DescribeInstances: {
    mutates: false,
    decode(p) {
      const req = describeRequest(p, "InstanceId");
      return (m) => {
        const r = d.describeInstances(m, req);
        return { reservationSet: reservationsXml(m, r.items), nextToken: r.nextToken };
      };
    },
  },
  DescribeInstanceTypes: {
    mutates: false,
    decode(p) {
      const req = describeRequest(p, "InstanceType");
      return () => {
        const r = d.describeInstanceTypes(req);
        return { instanceTypeSet: r.items.map(instanceTypeXml), nextToken: r.nextToken };
      };
    },
  },
  DescribeSubnets: {
    mutates: false,
    decode(p) {
      const req = describeRequest(p, "SubnetId");
      return (m) => {
        const r = d.describeSubnets(m, req);
        return { subnetSet: r.items.map((s) => subnetXml(m, s)), nextToken: r.nextToken };
      };
    },
  },
  DescribeVpcs: {
    mutates: false,
    decode(p) {
      const req = describeRequest(p, "VpcId");
      return (m) => {
        const r = d.describeVpcs(m, req);
        return { vpcSet: r.items.map((v) => vpcXml(m, v)), nextToken: r.nextToken };
      };
    },
  },
  DescribeNetworkInterfaces: {
    mutates: false,
    decode(p) {
      const req = describeRequest(p, "NetworkInterfaceId");
      return (m) => {
        const r = d.describeNetworkInterfaces(m, req);
        return { networkInterfaceSet: r.items.map((e) => eniXml(m, e)), nextToken: r.nextToken };
      };
    },
  },
  DescribeTrunkInterfaceAssociations: {
    mutates: false,
    decode(p) {
      const req = describeRequest(p, "AssociationId");
      return (m) => {
        const r = d.describeTrunkInterfaceAssociations(m, req);
        return { interfaceAssociationSet: r.items.map(associationXml), nextToken: r.nextToken };
      };
    },
  },
};
