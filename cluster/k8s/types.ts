// The Kubernetes wire objects this project reads and writes, as JSON (the subset of core/v1,
// vpcresources.k8s.aws and meta/v1 the Security-Groups-for-Pods path touches). Unknown fields are
// kept as they arrive: these types name what we use, not everything an object may carry.
// docs/REFERENCE.md §8 lists the real shapes and where they are defined upstream.

export type JsonObject = { [k: string]: unknown };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  /** Opaque to clients (kubernetes API conventions): compare only for equality. */
  resourceVersion?: string;
  generation?: number;
  /** RFC 3339; the embedded API server keeps milliseconds, a real one whole seconds. */
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: JsonObject[];
  [k: string]: unknown;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface K8sContainer {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  [k: string]: unknown;
}

export interface K8sPod extends K8sObject {
  apiVersion: "v1";
  kind: "Pod";
  spec: {
    nodeName?: string;
    serviceAccountName?: string;
    hostNetwork?: boolean;
    containers: K8sContainer[];
    [k: string]: unknown;
  };
  status?: {
    phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
    conditions?: { type: string; status: "True" | "False" | "Unknown"; lastTransitionTime?: string; reason?: string; message?: string }[];
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
    startTime?: string;
    [k: string]: unknown;
  };
}

export interface K8sNode extends K8sObject {
  apiVersion: "v1";
  kind: "Node";
  spec?: { providerID?: string; [k: string]: unknown };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: { type: string; status: "True" | "False" | "Unknown"; lastHeartbeatTime?: string; lastTransitionTime?: string; reason?: string; message?: string }[];
    addresses?: { type: string; address: string }[];
    [k: string]: unknown;
  };
}

/** vpcresources.k8s.aws/v1beta1, namespaced, short name sgp. */
export interface K8sSecurityGroupPolicy extends K8sObject {
  apiVersion: "vpcresources.k8s.aws/v1beta1";
  kind: "SecurityGroupPolicy";
  spec: {
    podSelector?: LabelSelector;
    serviceAccountSelector?: LabelSelector;
    securityGroups: { groupIds: string[] };
  };
}

/** vpcresources.k8s.aws/v1alpha1, cluster-scoped, short name cnd, named after its node. */
export interface K8sCniNode extends K8sObject {
  apiVersion: "vpcresources.k8s.aws/v1alpha1";
  kind: "CNINode";
  spec?: { features?: { name: string; value?: string }[]; tags?: Record<string, string> };
  status?: { [k: string]: unknown };
}

/** core/v1 Event (what kubectl describe and `get events` read). */
export interface K8sEvent extends K8sObject {
  apiVersion: "v1";
  kind: "Event";
  involvedObject: { kind: string; namespace?: string; name: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string };
  reason: string;
  message: string;
  type: "Normal" | "Warning";
  source?: { component?: string; host?: string };
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** meta/v1 Status: the body of every API error (and of a watch ERROR event). */
export interface K8sStatus {
  apiVersion: "v1";
  kind: "Status";
  metadata: Record<string, never> | { resourceVersion?: string };
  status: "Success" | "Failure";
  message: string;
  /** e.g. NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Expired, Gone, MethodNotAllowed, UnsupportedMediaType. */
  reason: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: { reason?: string; message?: string; field?: string }[]; retryAfterSeconds?: number };
  code: number;
}

export type K8sWatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
