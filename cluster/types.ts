// The in-memory API server's object model: the subset of core/v1 Pod, Node, Event and the
// vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy that the Security-Groups-for-Pods path touches.

export const POD_ENI_RESOURCE = "vpc.amazonaws.com/pod-eni";
export const POD_ENI_ANNOTATION = "vpc.amazonaws.com/pod-eni";

export interface PodObject {
  namespace: string;
  name: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Limits and requests of the first container (the SGP webhook sets pod-eni: "1" on both). */
  limits: Readonly<Record<string, string>>;
  requests: Readonly<Record<string, string>>;
  serviceAccount: string;
  /** Empty until scheduled (spec.nodeName). */
  nodeName: string;
  createdAt: number;
  scheduledAt: number | undefined;
  deletedAt: number | undefined;
  /** Increases on every change, like metadata.resourceVersion. */
  resourceVersion: number;
}

export interface NodeObject {
  name: string;
  instanceType: string;
  labels: Readonly<Record<string, string>>;
  /** e.g. { "vpc.amazonaws.com/pod-eni": "9", pods: "29" } */
  capacity: Readonly<Record<string, string>>;
  resourceVersion: number;
}

export interface SecurityGroupPolicyObject {
  namespace: string;
  name: string;
  /** matchLabels; an empty selector matches every pod of the namespace. */
  podSelector: Readonly<Record<string, string>>;
  serviceAccountSelector: Readonly<Record<string, string>>;
  securityGroupIds: readonly string[];
}

export type EventType = "Normal" | "Warning";
export type FailureClass = "transient-expected" | "real" | "";

export interface ClusterEvent {
  type: EventType;
  reason: string;
  message: string;
  involvedObject: { kind: "Pod" | "Node"; namespace: string; name: string; uid: string };
  source: string;
  firstTimestamp: number;
  lastTimestamp: number;
  /** Aggregated like Kubernetes: the same object, reason and message within the window bump count. */
  count: number;
  classification: FailureClass;
  attributes: Readonly<Record<string, string>>;
}

export type NewEvent = Omit<ClusterEvent, "firstTimestamp" | "lastTimestamp" | "count" | "classification" | "attributes"> & {
  classification?: FailureClass;
  attributes?: Record<string, string>;
  timestamp?: number;
};

export type WatchType = "ADDED" | "MODIFIED" | "DELETED";
export type Unsubscribe = () => void;

export interface CreatePodSpec {
  namespace: string;
  name: string;
  uid?: string;
  labels?: Record<string, string>;
  serviceAccount?: string;
  /** Node name to schedule on at once, or undefined to stay pending. */
  nodeName?: string;
}

/** A mutating admission step (the SGP webhook); may change limits/requests and record events. */
export type AdmissionHook = (pod: PodObject) => PodObject;

export interface ClusterStore {
  createPod(spec: CreatePodSpec): PodObject;
  getPod(namespace: string, name: string): PodObject | undefined;
  listPods(namespace?: string): PodObject[];
  /** UID-guarded update: throws HarnessError("conflict") when uid is given and differs, "not-found" when absent. */
  updatePod(namespace: string, name: string, change: (pod: PodObject) => PodObject, uid?: string): PodObject;
  schedulePod(namespace: string, name: string, nodeName: string): PodObject;
  deletePod(namespace: string, name: string, uid?: string): PodObject;
  watchPods(fn: (type: WatchType, pod: PodObject) => void): Unsubscribe;
  addAdmissionHook(hook: AdmissionHook): void;

  upsertNode(node: Omit<NodeObject, "resourceVersion">): NodeObject;
  getNode(name: string): NodeObject | undefined;
  listNodes(): NodeObject[];

  applyPolicy(policy: SecurityGroupPolicyObject): SecurityGroupPolicyObject;
  deletePolicy(namespace: string, name: string): SecurityGroupPolicyObject;
  listPolicies(namespace?: string): SecurityGroupPolicyObject[];

  recordEvent(event: NewEvent): ClusterEvent;
  listEvents(filter?: { namespace?: string; name?: string }): ClusterEvent[];
  watchEvents(fn: (event: ClusterEvent) => void): Unsubscribe;
}
