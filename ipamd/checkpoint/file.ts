// The checkpoint file in the state dir (<state-dir>/ipam.json), written atomically like the real
// ipamd's: a temp file in the same directory, fsync, rename over the old file, fsync the directory
// (so the rename itself survives a crash). The file system is a small injected interface so tests
// can count fsyncs, inject failures and model a crash at every step.
//
// The write's cheap steps are synchronous, its two fsyncs are not. The real ipamd writes under its
// datastore lock, so nothing else changes leases meanwhile; here the group committer
// (group-commit.ts) starts a write once per turn of the event loop, after every request that
// arrived in that turn has applied its change, and takes its snapshot then. The fsyncs (about 90 %
// of a write's time on a virtio disk, `npm run bench ipamd -- --cpu-prof`) go to the thread pool, so
// the loop reads and applies the next requests while the disk works, and they share the next write
// (pipelined group commit). Every other step stays a plain sync call: through node:fs/promises the
// write cost about twice the CPU (`npm run bench checkpoint`: a FileHandle and a thread-pool round
// trip per step: open, write, fsync, close, rename, open, fsync, close).

import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { CheckpointEncoder, decodeCheckpoint } from "./format.js";
import type { Checkpoint, CheckpointData } from "./types.js";
import { CHECKPOINT_FILE } from "./types.js";

/** The few file operations the checkpoint needs: synchronous but for load and fsync (see above). */
export interface CheckpointFs {
  /** Rejects with an error whose `code` is "ENOENT" when the file does not exist. */
  readFile(file: string): Promise<string>;
  /** Creates or truncates file (mode 0600) for writing; returns a descriptor. */
  openForWrite(file: string): number;
  /** Writes all of data at the file's current offset. */
  write(fd: number, data: Uint8Array): void;
  /** Opens a directory only to fsync it. */
  openDir(dir: string): number;
  /** Resolves when fd's data (a file) or entries (a directory) are on stable storage. */
  fsync(fd: number): Promise<void>;
  close(fd: number): void;
  rename(from: string, to: string): void;
  unlink(file: string): void;
  mkdir(dir: string): void;
}

export const nodeCheckpointFs: CheckpointFs = {
  readFile: (file) => fsp.readFile(file, "utf8"),
  openForWrite: (file) => fs.openSync(file, "w", 0o600),
  write(fd, data) {
    // write(2) may write less than asked (e.g. interrupted): go on from where it stopped.
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
  },
  openDir: (dir) => fs.openSync(dir, "r"),
  fsync: (fd) => new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e === null ? resolve() : reject(e)))),
  close: (fd) => fs.closeSync(fd),
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (file) => fs.unlinkSync(file),
  mkdir: (dir) => void fs.mkdirSync(dir, { recursive: true, mode: 0o755 }),
};

export interface FileCheckpointOptions {
  /** The state dir; the file is <stateDir>/ipam.json. */
  readonly stateDir: string;
  readonly fs?: CheckpointFs;
}

export class FileCheckpoint implements Checkpoint {
  readonly path: string;
  readonly description: string;
  readonly #dir: string;
  readonly #tmp: string;
  readonly #fs: CheckpointFs;
  readonly #encoder = new CheckpointEncoder();
  #dirReady = false;

  constructor(options: FileCheckpointOptions) {
    this.#dir = path.resolve(options.stateDir);
    this.path = path.join(this.#dir, CHECKPOINT_FILE);
    this.#tmp = path.join(this.#dir, `.${CHECKPOINT_FILE}.tmp`);
    this.description = this.path;
    this.#fs = options.fs ?? nodeCheckpointFs;
  }

  async load(): Promise<CheckpointData | undefined> {
    let text: string;
    try {
      text = await this.#fs.readFile(this.path);
    } catch (e: unknown) {
      if (isNotFound(e)) return undefined;
      throw new HarnessError("unavailable", `checkpoint ${this.path}: cannot read: ${errorMessage(e)}`, { cause: e });
    }
    return decodeCheckpoint(text, this.path);
  }

  /** Durable when it resolves. The snapshot is encoded before the first await: data may change after. */
  async save(data: CheckpointData): Promise<void> {
    const bytes = this.#encoder.encode(data);
    const fsx = this.#fs;
    try {
      if (!this.#dirReady) {
        fsx.mkdir(this.#dir);
        this.#dirReady = true;
      }
      const fd = fsx.openForWrite(this.#tmp);
      try {
        fsx.write(fd, bytes);
        await fsx.fsync(fd);
      } finally {
        fsx.close(fd);
      }
      fsx.rename(this.#tmp, this.path);
      const dir = fsx.openDir(this.#dir);
      try {
        await fsx.fsync(dir);
      } finally {
        fsx.close(dir);
      }
    } catch (e: unknown) {
      try {
        fsx.unlink(this.#tmp);
      } catch {
        // No temp file (the failure came before or after it existed): nothing to clean.
      }
      throw new HarnessError("unavailable", `checkpoint ${this.path}: write failed: ${errorMessage(e)}`, { cause: e });
    }
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}
