// A small text file replaced atomically: a temp file in the same directory, fsync, rename over the
// old one, fsync the directory (so the rename itself survives a crash). After a crash the file is
// the old text or the new one, never a mix. The file system is an injected interface so tests can
// count fsyncs and inject failures.

import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { HarnessError, errorMessage } from "./errors.js";

export interface SyncableFile {
  write(data: string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The few file operations an atomic replace needs. */
export interface AtomicFs {
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

export const nodeAtomicFs: AtomicFs = {
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

export class AtomicFile {
  readonly path: string;
  readonly #dir: string;
  readonly #tmp: string;
  readonly #fs: AtomicFs;
  #dirReady = false;

  constructor(file: string, fs: AtomicFs = nodeAtomicFs) {
    this.path = path.resolve(file);
    this.#dir = path.dirname(this.path);
    this.#tmp = path.join(this.#dir, `.${path.basename(this.path)}.tmp`);
    this.#fs = fs;
  }

  /** The file's text, or undefined when there is none. */
  async read(): Promise<string | undefined> {
    try {
      return await this.#fs.readFile(this.path);
    } catch (e: unknown) {
      if (typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT") return undefined;
      throw new HarnessError("unavailable", `${this.path}: cannot read: ${errorMessage(e)}`, { cause: e });
    }
  }

  /** Resolves once the new text is durable; on failure the old file is left as it was. */
  async write(text: string): Promise<void> {
    try {
      if (!this.#dirReady) {
        await this.#fs.mkdir(this.#dir);
        this.#dirReady = true;
      }
      const file = await this.#fs.openForWrite(this.#tmp);
      try {
        await file.write(text);
        await file.sync();
      } finally {
        await file.close();
      }
      await this.#fs.rename(this.#tmp, this.path);
      const dir = await this.#fs.openDir(this.#dir);
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (e: unknown) {
      await this.#fs.unlink(this.#tmp).catch(() => undefined);
      throw new HarnessError("unavailable", `${this.path}: write failed: ${errorMessage(e)}`, { cause: e });
    }
  }
}
