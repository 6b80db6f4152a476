// The plugin's record of its own attachments per network, for GC (the rpc proto has no list call,
// so the plugin keeps what it added). Interface + in-memory twin; the file store is state-file.ts.
import type { ContainerId, IfName, Ipv4, NetnsPath, VlanId } from "../../common/boundary/index.js";
import type { SgEnforcingMode } from "../dataplane/types.js";

export interface AttachmentRecord {
  containerId: ContainerId;
  ifName: IfName;
  netns: NetnsPath | "";
  podNamespace: string;
  podName: string;
  infraContainerId: string;
  hostVethName: IfName;
  ipv4: Ipv4;
  vlanId: VlanId | 0;
  mode: SgEnforcingMode;
}

export interface AttachmentStore {
  put(network: string, rec: AttachmentRecord): Promise<void>;
  /** Succeeds when the record is already gone. */
  remove(network: string, containerId: string, ifName: string): Promise<void>;
  list(network: string): Promise<AttachmentRecord[]>;
}

export class MemoryAttachmentStore implements AttachmentStore {
  readonly #nets = new Map<string, Map<string, AttachmentRecord>>();

  async put(network: string, rec: AttachmentRecord): Promise<void> {
    const m = this.#nets.get(network) ?? new Map<string, AttachmentRecord>();
    m.set(`${rec.containerId}/${rec.ifName}`, { ...rec });
    this.#nets.set(network, m);
  }

  async remove(network: string, containerId: string, ifName: string): Promise<void> {
    this.#nets.get(network)?.delete(`${containerId}/${ifName}`);
  }

  async list(network: string): Promise<AttachmentRecord[]> {
    return [...(this.#nets.get(network)?.values() ?? [])].map((r) => ({ ...r }));
  }
}
