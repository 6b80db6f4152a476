// What the warm pool needs from EC2 (through the fake controller's EC2 in this harness): attach a
// new ordinary ENI with its secondary IPs to this node, and detach/delete one. Shaped like the
// controller's EniAttacher (controller/types.ts) so the daemon passes it through unchanged.

export interface AttachedEni {
  eniId: string;
  mac: string;
  deviceNumber: number;
  subnetCidr: string;
  /** The ENI's primary IP first, then its secondary IPs (what pods get). */
  ips: string[];
}

export interface EniAttacher {
  /** CreateNetworkInterface + AttachNetworkInterface; may take seconds, be throttled, or fail. */
  attachEni(signal?: AbortSignal): Promise<AttachedEni>;
  /** DetachNetworkInterface + DeleteNetworkInterface. */
  detachEni(eniId: string, signal?: AbortSignal): Promise<void>;
}

/** pino-shaped log sink: (fields, message). */
export interface WarmPoolLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Called around ENI changes, e.g. to create or remove the ENI's host link. */
export interface WarmPoolHooks {
  eniAttached?(eni: AttachedEni, signal: AbortSignal): Promise<void> | void;
  eniDetached?(eniId: string, signal: AbortSignal): Promise<void> | void;
}
