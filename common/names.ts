// The Kubernetes names the actors agree on without importing each other: the controller writes
// them, ipamd, the kubelet loop and the scheduler read them (docs/REFERENCE.md §1, §8).

/** Extended resource a pod requests for a branch ENI, and the node capacity the controller advertises. */
export const POD_ENI_RESOURCE = "vpc.amazonaws.com/pod-eni";
/** The annotation the controller PATCHes with the branch ENI's details (a JSON array). */
export const POD_ENI_ANNOTATION = "vpc.amazonaws.com/pod-eni";
/** Well-known node label the controller takes the instance type from. */
export const INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
/** Node label the controller sets once the trunk ENI is attached. */
export const HAS_TRUNK_LABEL = "vpc.amazonaws.com/has-trunk-attached";
/** The CNINode feature ipamd adds when it wants a trunk (aws-node v1.15+). */
export const SGP_FEATURE = "SecurityGroupsForPods";

/** source.component of each actor's events, as the real ones spell it. */
export const EVENT_SOURCE = Object.freeze({
  controller: "vpc-resource-controller",
  kubelet: "kubelet",
  scheduler: "default-scheduler",
  ipamd: "aws-node",
});
