// The checkpoint's on-disk format (the real ipamd's /var/run/aws-node/ipam.json, vpc-cni-ipam/1)
// and the small interface every checkpoint store implements (file, memory).

/** The only format version we read or write (pkg/ipamd/datastore CheckpointFormatVersion). */
export const CHECKPOINT_VERSION = "vpc-cni-ipam/1";
/** The file name in the state dir, as the real ipamd names it. */
export const CHECKPOINT_FILE = "ipam.json";

export interface CheckpointMetadata {
  readonly k8sPodNamespace?: string;
  readonly k8sPodName?: string;
  readonly interfacesCount?: number;
}

/** One allocation (CheckpointEntry): IPAMKey fields, the IPv4, when, and pod metadata. */
export interface CheckpointAllocation {
  readonly networkName: string;
  readonly containerID: string;
  readonly ifName: string;
  readonly ipv4: string;
  /** Milliseconds (clock time); written to the file as Unix nanoseconds like Go's UnixNano(). */
  readonly allocationTimestampMs: number;
  readonly metadata: CheckpointMetadata;
}

export interface CheckpointData {
  readonly version: string;
  readonly allocations: readonly CheckpointAllocation[];
}

/** Where leases are made durable. save() resolves only once the data is durable (or rejects). */
export interface Checkpoint {
  /** For messages: e.g. the file path. */
  readonly description: string;
  /** The stored data, undefined when none was ever written; a corrupt/foreign file throws. */
  load(): Promise<CheckpointData | undefined>;
  save(data: CheckpointData): Promise<void>;
}
