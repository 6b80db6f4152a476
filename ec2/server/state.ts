// The model and its durable copy: opened from <state-dir>/ec2-state.json (or made fresh and written
// before the service answers anything), snapshotted for each group-committed write, and put back to
// the last durable text when a write fails. The RNG's state is part of it, so ids continue across a
// restart exactly as they would have.

import * as path from "node:path";
import { AtomicFile } from "../../common/atomic-file.js";
import type { AtomicFs } from "../../common/atomic-file.js";
import { createSeededRng } from "../../common/rng.js";
import type { SeededRng } from "../../common/rng.js";
import { Ec2Model } from "../model/model.js";
import type { VpcSpec } from "../model/types.js";
import { GroupCommit } from "../store/commit.js";
import { STATE_FILE, decodeState, encodeState } from "../store/format.js";

export interface OpenStateOptions {
  readonly stateDir: string;
  readonly spec: VpcSpec;
  readonly seed: number;
  readonly now: () => number;
  readonly fs?: AtomicFs;
}

export class StateHolder {
  model: Ec2Model;
  readonly file: AtomicFile;
  readonly commits: GroupCommit;
  /** True when the state came from an existing file (a restart), false when it was made now. */
  readonly restored: boolean;
  #rng: SeededRng;
  readonly #now: () => number;

  private constructor(file: AtomicFile, model: Ec2Model, rng: SeededRng, durable: string, restored: boolean, now: () => number) {
    this.file = file;
    this.model = model;
    this.#rng = rng;
    this.#now = now;
    this.restored = restored;
    this.commits = new GroupCommit(file, () => this.snapshot(), (text) => this.#restore(text), durable);
  }

  static async open(o: OpenStateOptions): Promise<StateHolder> {
    const file = new AtomicFile(path.join(o.stateDir, STATE_FILE), o.fs);
    const text = await file.read();
    if (text !== undefined) {
      const doc = decodeState(text, file.path);
      const rng = createSeededRng(doc.rngState);
      return new StateHolder(file, Ec2Model.restore(doc.model, { rng, now: o.now }), rng, text, true, o.now);
    }
    const rng = createSeededRng(o.seed);
    const model = Ec2Model.create(o.spec, { rng, now: o.now });
    const fresh = encodeState({ model: model.data(), rngState: rng.state() });
    await file.write(fresh);
    return new StateHolder(file, model, rng, fresh, false, o.now);
  }

  snapshot(): string {
    return encodeState({ model: this.model.data(), rngState: this.#rng.state() });
  }

  #restore(text: string): void {
    const doc = decodeState(text, this.file.path);
    const exhausted = this.model.subnetExhausted;
    this.#rng = createSeededRng(doc.rngState);
    this.model = Ec2Model.restore(doc.model, { rng: this.#rng, now: this.#now });
    this.model.subnetExhausted = exhausted;
  }
}
