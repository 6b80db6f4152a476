// The actions that change the VPC: instances, interfaces, attachments, addresses, tags, trunk
// associations and permissions. Each decodes every parameter before anything runs.

import { once } from "../model/idempotency.js";
import * as enis from "../model/enis.js";
import * as inst from "../model/instances.js";
import * as ips from "../model/ips.js";
import * as tagOps from "../model/tags.js";
import * as trunk from "../model/trunk.js";
import type { ActionDef } from "./action.js";
import { tagSpecs, tags } from "./decode.js";
import { associationXml, eniXml, instanceXml, permissionXml } from "./render.js";

const ok = { return: true };

export const writeActions: Readonly<Record<string, ActionDef>> = {
  RunInstances: {
    mutates: true,
    decode(p) {
      const req: inst.RunInstancesRequest = {
        imageId: p.required("ImageId"), instanceType: p.str("InstanceType") ?? "m5.large",
        minCount: p.requiredInt("MinCount"), maxCount: p.requiredInt("MaxCount"), subnetId: p.str("SubnetId"),
        securityGroupIds: p.strings("SecurityGroupId"), privateIpAddress: p.str("PrivateIpAddress"),
        tagSpecifications: tagSpecs(p), clientToken: p.str("ClientToken"),
      };
      return (m) => {
        const made = inst.runInstances(m, req);
        const first = made[0];
        return {
          reservationId: first?.reservationId, ownerId: m.accountId, groupSet: [],
          instancesSet: made.map((i) => instanceXml(m, i)),
        };
      };
    },
  },
  TerminateInstances: {
    mutates: true,
    decode(p) {
      const ids = p.strings("InstanceId");
      p.bool("Force");
      p.bool("SkipOsShutdown");
      return (m) => ({
        instancesSet: inst.terminateInstances(m, ids).map((c) => ({
          instanceId: c.instanceId,
          currentState: { code: c.current === "running" ? 16 : 48, name: c.current },
          previousState: { code: c.previous === "running" ? 16 : 48, name: c.previous },
        })),
      });
    },
  },
  CreateNetworkInterface: {
    mutates: true,
    decode(p) {
      const req: enis.CreateEniRequest = {
        subnetId: p.required("SubnetId"), description: p.str("Description"), groups: p.strings("SecurityGroupId"),
        privateIpAddress: p.str("PrivateIpAddress"),
        privateIpAddresses: p.list("PrivateIpAddresses", (k) => ({ ip: p.required(`${k}.PrivateIpAddress`), primary: p.bool(`${k}.Primary`) ?? false })),
        secondaryCount: p.int("SecondaryPrivateIpAddressCount"), interfaceType: p.str("InterfaceType"),
        tagSpecifications: tagSpecs(p), clientToken: p.str("ClientToken"),
      };
      return (m) => ({ networkInterface: eniXml(m, enis.createNetworkInterface(m, req)), clientToken: req.clientToken });
    },
  },
  AttachNetworkInterface: {
    mutates: true,
    decode(p) {
      const req: enis.AttachRequest = {
        eniId: p.required("NetworkInterfaceId"), instanceId: p.required("InstanceId"),
        deviceIndex: p.requiredInt("DeviceIndex"), networkCardIndex: p.int("NetworkCardIndex"),
      };
      return (m) => {
        const r = enis.attachNetworkInterface(m, req);
        return { attachmentId: r.attachmentId, networkCardIndex: r.networkCardIndex };
      };
    },
  },
  DetachNetworkInterface: {
    mutates: true,
    decode(p) {
      const attachmentId = p.required("AttachmentId");
      p.bool("Force");
      return (m) => (enis.detachNetworkInterface(m, attachmentId), ok);
    },
  },
  DeleteNetworkInterface: {
    mutates: true,
    decode(p) {
      const eniId = p.required("NetworkInterfaceId");
      return (m) => (enis.deleteNetworkInterface(m, eniId), ok);
    },
  },
  ModifyNetworkInterfaceAttribute: {
    mutates: true,
    decode(p) {
      const attachmentId = p.str("Attachment.AttachmentId");
      const deleteOnTermination = p.bool("Attachment.DeleteOnTermination");
      const req: enis.ModifyEniRequest = {
        eniId: p.required("NetworkInterfaceId"),
        attachment: attachmentId === undefined && deleteOnTermination === undefined ? undefined : { attachmentId, deleteOnTermination },
        description: p.str("Description.Value"), sourceDestCheck: p.bool("SourceDestCheck.Value"), groups: p.strings("SecurityGroupId"),
      };
      return (m) => (enis.modifyNetworkInterfaceAttribute(m, req), ok);
    },
  },
  AssignPrivateIpAddresses: {
    mutates: true,
    decode(p) {
      const req: ips.AssignRequest = {
        eniId: p.required("NetworkInterfaceId"), privateIpAddresses: p.strings("PrivateIpAddress"),
        secondaryCount: p.int("SecondaryPrivateIpAddressCount"), allowReassignment: p.bool("AllowReassignment") ?? false,
      };
      return (m) => ({
        networkInterfaceId: req.eniId,
        assignedPrivateIpAddressesSet: ips.assignPrivateIpAddresses(m, req).map((privateIpAddress) => ({ privateIpAddress })),
      });
    },
  },
  UnassignPrivateIpAddresses: {
    mutates: true,
    decode(p) {
      const req = { eniId: p.required("NetworkInterfaceId"), privateIpAddresses: p.strings("PrivateIpAddress") };
      return (m) => (ips.unassignPrivateIpAddresses(m, req), ok);
    },
  },
  CreateTags: {
    mutates: true,
    decode(p) {
      const req = { resourceIds: p.strings("ResourceId"), tags: tags(p, "Tag") };
      return (m) => (tagOps.createTags(m, req), ok);
    },
  },
  DeleteTags: {
    mutates: true,
    decode(p) {
      const req = { resourceIds: p.strings("ResourceId"), tags: p.list("Tag", (k) => ({ key: p.required(`${k}.Key`), value: p.str(`${k}.Value`) })) };
      return (m) => (tagOps.deleteTags(m, req), ok);
    },
  },
  CreateNetworkInterfacePermission: {
    mutates: true,
    decode(p) {
      const req: trunk.PermissionRequest = {
        eniId: p.required("NetworkInterfaceId"), permission: p.required("Permission"), awsAccountId: p.str("AwsAccountId"), awsService: p.str("AwsService"),
      };
      return (m) => ({ interfacePermission: permissionXml(trunk.createNetworkInterfacePermission(m, req)) });
    },
  },
  AssociateTrunkInterface: {
    mutates: true,
    decode(p) {
      const req: trunk.AssociateRequest = {
        branchEniId: p.required("BranchInterfaceId"), trunkEniId: p.required("TrunkInterfaceId"),
        vlanId: p.int("VlanId"), greKey: p.int("GreKey"), clientToken: p.str("ClientToken"),
      };
      return (m) => ({ interfaceAssociation: associationXml(trunk.associateTrunkInterface(m, req)), clientToken: req.clientToken });
    },
  },
  DisassociateTrunkInterface: {
    mutates: true,
    decode(p) {
      const associationId = p.required("AssociationId");
      const clientToken = p.str("ClientToken");
      return (m) => {
        once(m, "DisassociateTrunkInterface", clientToken, { associationId }, () => {
          trunk.disassociateTrunkInterface(m, associationId);
          return { result: undefined, ids: [associationId] };
        }, () => undefined);
        return { return: true, clientToken };
      };
    },
  },
};
