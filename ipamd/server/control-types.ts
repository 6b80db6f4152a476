// TypeScript shapes of proto/harness.proto (harness.v1.Control) as @grpc/proto-loader gives them
// with PROTO_LOADER_OPTIONS (keepCase: snake_case fields, longs as numbers, defaults on).
// Shared by the server, test/helpers/daemon.ts and other clients of the control API.

export type StringMap = Record<string, string>;

export interface PodRef { namespace: string; name: string; uid: string }
export interface CreatePodRequest {
  namespace: string;
  name: string;
  uid: string;
  labels: StringMap;
  service_account: string;
  schedule: boolean;
}
export interface ResourceList { limits: StringMap; requests: StringMap }
export interface Pod {
  namespace: string;
  name: string;
  uid: string;
  labels: StringMap;
  annotations: StringMap;
  resources: ResourceList;
  node_name: string;
  created_at_ms: number;
  scheduled_at_ms: number;
  deleted_at_ms: number;
  service_account: string;
  resource_version: string;
}
export interface ListPodsRequest { namespace: string }
export interface ListPodsReply { pods: Pod[] }
export interface WatchRequest { send_initial: boolean }
export interface PodChange { type: string; pod: Pod }
export interface SecurityGroupPolicy {
  namespace: string;
  name: string;
  pod_selector: StringMap;
  service_account_selector: StringMap;
  security_group_ids: string[];
}
export interface PolicyRef { namespace: string; name: string }
export interface ObjectRef { kind: string; namespace: string; name: string; uid: string }
export interface Event {
  type: string;
  reason: string;
  message: string;
  involved_object: ObjectRef;
  source: string;
  first_timestamp_ms: number;
  last_timestamp_ms: number;
  count: number;
  classification: string;
  attributes: StringMap;
}
export interface ListEventsRequest { namespace: string; name: string }
export interface ListEventsReply { events: Event[] }
export interface ProvisioningDelay {
  kind: string;
  fixed_ms: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
  stddev_ms: number;
}
export interface Faults {
  ec2_throttle_rate: number;
  branch_allocation_failure_rate: number;
  annotation_failure_rate: number;
  branch_capacity_override: number;
  ipamd_down: boolean;
}
export interface BranchWait { max_wait_ms: number }
export interface ENI {
  eni_id: string;
  mac: string;
  device_number: number;
  trunk: boolean;
  branch: boolean;
  vlan_id: number;
  ipv4_addresses: string[];
  subnet_cidr: string;
  pod_namespace: string;
  pod_name: string;
  host_link: string;
  host_ifindex: number;
  state: string;
}
export interface ListENIsReply { enis: ENI[] }
export interface Lease {
  network_name: string;
  container_id: string;
  if_name: string;
  ipv4: string;
  pod_namespace: string;
  pod_name: string;
  allocated_at_ms: number;
  eni_id: string;
}
export interface ListLeasesReply { leases: Lease[] }
export interface ReconcileLeasesRequest { live_container_ids: string[]; listed_at_ms: number; network_name: string }
export interface ReconcileLeasesReply { released: Lease[] }
export interface Node {
  name: string;
  instance_type: string;
  capacity: StringMap;
  trunk_eni_id: string;
  trunk_ifindex: number;
  subnet_cidr: string;
  max_pods: number;
}
export type Empty = Record<string, never>;

/** Unary RPCs of harness.v1.Control: name -> [request, reply]. Requests may omit fields (proto3 defaults). */
export interface ControlUnary {
  CreatePod: [Partial<CreatePodRequest>, Pod];
  SchedulePod: [Partial<PodRef>, Pod];
  DeletePod: [Partial<PodRef>, Pod];
  GetPod: [Partial<PodRef>, Pod];
  ListPods: [Partial<ListPodsRequest>, ListPodsReply];
  ApplySecurityGroupPolicy: [Partial<SecurityGroupPolicy>, SecurityGroupPolicy];
  DeleteSecurityGroupPolicy: [Partial<PolicyRef>, SecurityGroupPolicy];
  RecordEvent: [Partial<Event>, Event];
  ListEvents: [Partial<ListEventsRequest>, ListEventsReply];
  SetProvisioningDelay: [Partial<ProvisioningDelay>, ProvisioningDelay];
  SetFaults: [Partial<Faults>, Faults];
  SetBranchWait: [Partial<BranchWait>, BranchWait];
  ListENIs: [Empty, ListENIsReply];
  ListLeases: [Empty, ListLeasesReply];
  GetNode: [Empty, Node];
  ReconcileLeases: [Partial<ReconcileLeasesRequest>, ReconcileLeasesReply];
}

/** Server-streaming RPCs: name -> [request, streamed message]. */
export interface ControlStreams {
  WatchPods: [Partial<WatchRequest>, PodChange];
  WatchEvents: [Partial<WatchRequest>, Event];
}
