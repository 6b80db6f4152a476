// The errors the fake EC2 answers, with EC2's codes, HTTP statuses and messages (docs/REFERENCE.md
// §9: the "Error codes for the Amazon EC2 API" page; messages as EC2 words them where we know them).
// One place, so every action words the same failure the same way.

import { Ec2Error } from "../../common/ec2/errors.js";

const client = (code: string, message: string, status = 400): Ec2Error => new Ec2Error(code, message, { status });

export const fault = {
  // Common client errors.
  missingParameter: (name: string) => client("MissingParameter", `The request must contain the parameter ${name}`),
  unknownParameter: (name: string) => client("UnknownParameter", `The parameter ${name} is not recognized`),
  invalidValue: (message: string) => client("InvalidParameterValue", message),
  badValue: (name: string, value: string, why = "") =>
    client("InvalidParameterValue", `Value (${value}) for parameter ${name} is invalid.${why === "" ? "" : ` ${why}`}`),
  combination: (message: string) => client("InvalidParameterCombination", message),
  invalidAction: (action: string) => client("InvalidAction", `The action ${action} is not valid for this web service.`),
  missingAction: () => client("MissingAction", "The request must contain the parameter Action"),
  malformedQuery: (why: string) => client("MalformedQueryString", `The query string is malformed: ${why}`, 404),
  invalidRequest: (why: string, status = 400) => client("InvalidRequest", why, status),
  paginationToken: (token: string) => client("InvalidPaginationToken", `Invalid pagination token: ${token}`),
  dryRun: () => client("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
  idempotencyMismatch: (token: string) =>
    client("IdempotentParameterMismatch", `Client token '${token}' was used with different parameters`),
  filter: (name: string) => client("InvalidParameterValue", `The filter '${name}' is invalid`),

  // Authentication (SigV4).
  missingAuth: () => client("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
  incompleteSignature: (why: string) => client("IncompleteSignature", why),
  authFailure: () => client("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
  expired: (why: string) => client("RequestExpired", why),

  // Throttling and server faults.
  throttled: () => client("RequestLimitExceeded", "Request limit exceeded.", 503),
  internal: () => client("InternalError", "An internal error has occurred", 500),

  // Resources.
  eniMalformed: (id: string) => client("InvalidNetworkInterfaceID.Malformed", `Invalid id: "${id}" (expecting "eni-...")`),
  eniNotFound: (id: string) => client("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`),
  eniInUse: (id: string, message = `Interface: [${id}] in use.`) => client("InvalidNetworkInterface.InUse", message),
  instanceMalformed: (id: string) => client("InvalidInstanceID.Malformed", `Invalid id: "${id}" (expecting "i-...")`),
  instanceNotFound: (id: string) => client("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`),
  instanceState: (id: string, state: string) =>
    client("IncorrectInstanceState", `The instance '${id}' is not in a state from which the request can be performed (state: ${state}).`),
  instanceType: (types: readonly string[]) =>
    client("InvalidInstanceType", `The following supplied instance types do not exist: [${types.join(", ")}]`),
  subnetNotFound: (id: string) => client("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`),
  vpcNotFound: (id: string) => client("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`),
  groupMalformed: (id: string) => client("InvalidGroupId.Malformed", `Invalid id: "${id}" (expecting "sg-...")`),
  amiMalformed: (id: string) => client("InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`),
  attachmentNotFound: (id: string) =>
    client("InvalidAttachmentID.NotFound", `The network interface attachment ID '${id}' does not exist`),
  associationNotFound: (id: string) => client("InvalidAssociationID.NotFound", `Association ID '${id}' not found.`),
  resourceId: (id: string) => client("InvalidID", `The ID '${id}' is not valid`),
  addressInUse: (ip: string) => client("InvalidIPAddress.InUse", `Address ${ip} is in use.`),
  subnetFull: (subnetId: string) =>
    client("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of addresses.`),
  attachmentLimit: (instanceType: string, limit: number) =>
    client("AttachmentLimitExceeded", `Interface count ${limit + 1} exceeds the limit for ${instanceType}`),
  branchLimit: (instanceType: string, limit: number) =>
    client("AttachmentLimitExceeded", `Branch interface count ${limit + 1} exceeds the limit for ${instanceType} (${limit})`),
  ipLimit: () => client("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit."),
  tagLimit: (id: string) => client("TagLimitExceeded", `The maximum number of tags for resource '${id}' has been reached.`),
  notPermitted: (message: string) => client("OperationNotPermitted", message),
};
