// The checkpoint file in the state dir (<state-dir>/ipam.json), written atomically like the real
// ipamd's: a temp file in the same directory, fsync, rename over the old file, fsync the directory
// (so the rename itself survives a crash). The file system is a small injected interface so tests
// can count fsyncs and inject failures.

import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { decodeCheckpoint, encodeCheckpoint } from "./format.js";
import type { Checkpoint, CheckpointData } from "./types.js";
import { CHECKPOINT_FILE } from "./types.js";

export interface SyncableFile {
  write(data: string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The few file operations the checkpoint needs. */
export interface CheckpointFs {
  /** Rejects with an error whose `code` is "ENOENT" when the file does not exist. */
  readFile(file: string): Promise<string>;
  /** Creates or truncates file (mode 0600) for writing. */
  openForWrite(file: string): Promise<SyncableFile>;
  /** Opens a directory only to fsync it. */
  openDir(dir: string): Promise<Pick<SyncableFile, "sync" | "close">>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
}

export const nodeCheckpointFs: CheckpointFs = {
  readFile: (file) => fsp.readFile(file, "utf8"),
  async openForWrite(file) {
    const h = await fsp.open(file, "w", 0o600);
    return { write: async (data) => void (await h.writeFile(data, "utf8")), sync: () => h.sync(), close: () => h.close() };
  },
  async openDir(dir) {
    const h = await fsp.open(dir, "r");
    return { sync: () => h.sync(), close: () => h.close() };
  },
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  mkdir: async (dir) => void (await fsp.mkdir(dir, { recursive: true, mode: 0o755 })),
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

  async save(data: CheckpointData): Promise<void> {
    const text = encodeCheckpoint(data);
    try {
      if (!this.#dirReady) {
        await this.#fs.mkdir(this.#dir);
        this.#dirReady = true;
      }
      await this.#writeTemp(text);
      await this.#fs.rename(this.#tmp, this.path);
      const dir = await this.#fs.openDir(this.#dir);
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (e: unknown) {
      await this.#fs.unlink(this.#tmp).catch(() => undefined);
      throw new HarnessError("unavailable", `checkpoint ${this.path}: write failed: ${errorMessage(e)}`, { cause: e });
    }
  }

  async #writeTemp(text: string): Promise<void> {
    const file = await this.#fs.openForWrite(this.#tmp);
    try {
      await file.write(text);
      await file.sync();
    } finally {
      await file.close();
    }
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}
