// One node's ipamd in simulated time: the real backend over the real (durable) datastore with an
// in-memory checkpoint. Ordinary pods' IPs come from one ENI attached on first need through the
// fake controller's EC2 (like the warm pool's first ENI); a restart rebuilds the datastore from
// the checkpoint, as the real daemon does at start-up.

import type { EventRecorder } from "../../../cluster/client/index.js";
import type { Clock } from "../../../common/clock.js";
import type { EniAttacher } from "../../../controller/index.js";
import { createBackend, Datastore, DurableDatastore, isUnknownPod, MemoryCheckpoint } from "../../../ipamd/index.js";
import type { Backend, BackendLog, EniSpec, IpDatastore, NodePods } from "../../../ipamd/index.js";

export interface SimIpamdDeps {
  nodeName: string;
  clock: Clock;
  /** The node's pods, from ipamd's informer (spec.nodeName=<node>). */
  pods: NodePods;
  /** ipamd's events (AddNetworkFailed). */
  events: EventRecorder;
  attacher: EniAttacher;
  trunkEniId: () => string | undefined;
  branchWaitMs: number;
  log: BackendLog;
}

export const SILENT_LOG: BackendLog = { debug() {}, info() {}, warn() {}, error() {} };

export class SimIpamd {
  readonly #deps: SimIpamdDeps;
  readonly #checkpoint = new MemoryCheckpoint();
  #enis: EniSpec[] = [];
  #attaching: Promise<void> | undefined;
  #store: DurableDatastore;
  #backend: Backend;
  restarts = 0;

  constructor(deps: SimIpamdDeps) {
    this.#deps = deps;
    this.#store = new DurableDatastore(new Datastore({ clock: deps.clock }), this.#checkpoint);
    this.#backend = this.#newBackend();
  }

  backend(): Backend {
    return this.#backend;
  }

  /** ipamd down: AddNetwork/DelNetwork answer UNAVAILABLE. */
  setDown(down: boolean): void {
    this.#backend.setDown(down);
  }

  /** A new process: fresh datastore, the attached ENIs re-read, leases restored from the checkpoint. */
  async restart(): Promise<number> {
    const ds = new Datastore({ clock: this.#deps.clock });
    for (const eni of this.#enis) ds.addEni(eni);
    this.#store = new DurableDatastore(ds, this.#checkpoint);
    const report = await this.#store.restore();
    this.#backend = this.#newBackend();
    this.restarts++;
    return report.restored;
  }

  leaseCount(): number {
    return this.#store.datastore.leases().length;
  }

  #newBackend(): Backend {
    const d = this.#deps;
    return createBackend({
      datastore: this.#ipDatastore(),
      pods: d.pods,
      events: d.events,
      node: { nodeName: d.nodeName, trunkEniId: d.trunkEniId, trunkIfIndex: () => 0, vpcV4Cidrs: () => ["10.0.0.0/16"] },
      clock: d.clock,
      log: d.log,
      branchWaitMs: d.branchWaitMs,
    });
  }

  #ipDatastore(): IpDatastore {
    return {
      assign: async (key, meta) => {
        await this.#ensureEni();
        const a = await this.#store.assign(key, { k8sPodNamespace: meta.podNamespace, k8sPodName: meta.podName, interfacesCount: 1 });
        return { ipv4: a.lease.ip, deviceNumber: a.lease.deviceNumber, eniId: a.lease.eniId ?? "" };
      },
      release: async (key) => {
        try {
          const l = await this.#store.release(key);
          return { ipv4: l.ip, deviceNumber: l.deviceNumber, eniId: l.eniId ?? "" };
        } catch (e) {
          if (isUnknownPod(e)) return undefined;
          throw e;
        }
      },
    };
  }

  /** The first ordinary pod waits for one ENI (CreateNetworkInterface + AttachNetworkInterface). */
  #ensureEni(): Promise<void> {
    if (this.#enis.length > 0) return Promise.resolve();
    this.#attaching ??= this.#deps.attacher.attachEni().then(
      (eni) => {
        const spec: EniSpec = { eniId: eni.eniId, mac: eni.mac, deviceNumber: eni.deviceNumber, primaryIp: eni.ips[0] ?? "", subnetCidr: eni.subnetCidr, secondaryIps: eni.ips.slice(1) };
        this.#store.datastore.addEni(spec);
        this.#enis.push(spec);
      },
      (e: unknown) => {
        this.#attaching = undefined;
        throw e;
      },
    );
    return this.#attaching;
  }
}
