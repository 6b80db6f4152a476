// The schemas of the kinds whose fields we know: ObjectMeta and Pod (core/v1, Kubernetes 1.32's
// field names; nested structures we do not read are opaque, so nothing real is pruned), the
// SecurityGroupPolicy and CNINode CRDs (controller config/crd/bases, docs/REFERENCE.md §8).
// They drive pruning and fieldValidation in the store and the /openapi/v3 documents.

import type { Schema } from "./schema.js";

const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const quantity: Schema = { "x-kubernetes-int-or-string": true };
/** A structure we keep as it comes (probes, affinity, volume sources...). */
const opaque: Schema = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
const obj = (properties: Record<string, Schema>, extra: Partial<Schema> = {}): Schema => ({ type: "object", properties, ...extra });
const arr = (items: Schema, extra: Partial<Schema> = {}): Schema => ({ type: "array", items, ...extra });
const mapOf = (v: Schema): Schema => ({ type: "object", additionalProperties: v });

export const OBJECT_META: Schema = obj({
  name: str, generateName: str, namespace: str, selfLink: str, uid: str, resourceVersion: str,
  generation: int, creationTimestamp: { type: "string", format: "date-time", nullable: true },
  deletionTimestamp: { type: "string", format: "date-time" }, deletionGracePeriodSeconds: int,
  labels: mapOf(str), annotations: mapOf(str), ownerReferences: arr(opaque), finalizers: arr(str),
  managedFields: arr(opaque),
});

const RESOURCES = obj({ limits: mapOf(quantity), requests: mapOf(quantity), claims: arr(opaque) });

const CONTAINER: Schema = obj({
  name: str, image: str, command: arr(str), args: arr(str), workingDir: str,
  ports: arr(obj({ name: str, hostPort: int, containerPort: int, protocol: str, hostIP: str })),
  envFrom: arr(opaque), env: arr(obj({ name: str, value: str, valueFrom: opaque })),
  resources: RESOURCES, resizePolicy: arr(opaque), restartPolicy: str,
  volumeMounts: arr(obj({ name: str, readOnly: bool, recursiveReadOnly: str, mountPath: str, subPath: str, mountPropagation: str, subPathExpr: str })),
  volumeDevices: arr(obj({ name: str, devicePath: str })),
  livenessProbe: opaque, readinessProbe: opaque, startupProbe: opaque, lifecycle: opaque,
  terminationMessagePath: str, terminationMessagePolicy: str, imagePullPolicy: str, securityContext: opaque,
  stdin: bool, stdinOnce: bool, tty: bool,
  targetContainerName: str, // ephemeral containers only
});

export const POD_SPEC: Schema = obj({
  volumes: arr(opaque), initContainers: arr(CONTAINER), containers: arr(CONTAINER), ephemeralContainers: arr(CONTAINER),
  restartPolicy: str, terminationGracePeriodSeconds: int, activeDeadlineSeconds: int, dnsPolicy: str,
  nodeSelector: mapOf(str), serviceAccountName: str, serviceAccount: str, automountServiceAccountToken: bool,
  nodeName: str, hostNetwork: bool, hostPID: bool, hostIPC: bool, shareProcessNamespace: bool,
  securityContext: opaque, imagePullSecrets: arr(obj({ name: str })), hostname: str, subdomain: str,
  affinity: opaque, schedulerName: str,
  tolerations: arr(obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int })),
  hostAliases: arr(obj({ ip: str, hostnames: arr(str) })), priorityClassName: str, priority: int,
  dnsConfig: opaque, readinessGates: arr(obj({ conditionType: str })), runtimeClassName: str,
  enableServiceLinks: bool, preemptionPolicy: str, overhead: mapOf(quantity), topologySpreadConstraints: arr(opaque),
  setHostnameAsFQDN: bool, os: obj({ name: str }), hostUsers: bool, schedulingGates: arr(obj({ name: str })),
  resourceClaims: arr(opaque), resources: RESOURCES,
});

const CONDITION = obj({ type: str, status: str, lastProbeTime: { type: "string", nullable: true }, lastTransitionTime: { type: "string", nullable: true }, reason: str, message: str, observedGeneration: int });

export const POD_STATUS: Schema = obj({
  observedGeneration: int, phase: str, conditions: arr(CONDITION), message: str, reason: str, nominatedNodeName: str,
  hostIP: str, hostIPs: arr(obj({ ip: str })), podIP: str, podIPs: arr(obj({ ip: str })), startTime: str,
  initContainerStatuses: arr(opaque), containerStatuses: arr(opaque), qosClass: str, ephemeralContainerStatuses: arr(opaque),
  resize: str, resourceClaimStatuses: arr(opaque),
});

const TOP = { apiVersion: str, kind: str, metadata: OBJECT_META };

export const POD_SCHEMA: Schema = obj({ ...TOP, spec: POD_SPEC, status: POD_STATUS });

const LABEL_SELECTOR: Schema = obj(
  {
    matchExpressions: arr(obj({ key: str, operator: str, values: arr(str) }, { required: ["key", "operator"] })),
    matchLabels: mapOf(str),
  },
  { "x-kubernetes-map-type": "atomic" },
);

/** vpcresources.k8s.aws_securitygrouppolicies.yaml, v1beta1 (no status subresource). */
export const SGP_SCHEMA: Schema = obj({
  ...TOP,
  spec: obj({
    podSelector: LABEL_SELECTOR,
    serviceAccountSelector: LABEL_SELECTOR,
    securityGroups: obj({ groupIds: arr(str, { minItems: 1, maxItems: 16 }) }),
  }),
});

const int32: Schema = { type: "integer", format: "int32" };
const atomicList: Schema = arr(str, { "x-kubernetes-list-type": "atomic" });

const BRANCH = obj(
  {
    associationID: str, id: { type: "string", minLength: 1 }, ipv4CIDRs: atomicList, ipv6CIDRs: atomicList, macAddress: str,
    securityGroups: atomicList, subnetCIDR: str, subnetV6CIDR: str, vlanID: int32,
  },
  { required: ["id", "vlanID"] },
);

/** vpcresources.k8s.aws_cninodes.yaml, v1alpha1 (status subresource). */
export const CNINODE_SCHEMA: Schema = obj({
  ...TOP,
  spec: obj({
    features: arr(obj({ name: str, value: str })),
    managedBy: { type: "string", enum: ["vpc-resource-controller", "eks-auto-mode"] },
    tags: mapOf(str),
  }),
  status: obj({
    trunkInterface: obj(
      { branches: arr(BRANCH, { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"] }), deviceIndex: int32, id: { type: "string", minLength: 1 }, macAddress: str },
      { required: ["id"] },
    ),
  }),
});
