// The cluster's state file: everything `up` created, written (atomically) before or right after each
// step, so `down` can remove all of it from the file alone, even after `up` or any daemon was
// killed. Strictly decoded: a file of another format is refused, naming it.

import { rm } from "node:fs/promises";
import { z } from "zod";
import { AtomicFile } from "../../common/atomic-file.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { stateFileOf } from "./names.js";

export const STATE_FORMAT = "vpc-cni-harness-cluster/1";

const processSchema = z.object({
  role: z.enum(["mock-ec2", "api-server", "controller", "containerd", "ipamd", "kubelet"]),
  node: z.string().optional(),
  pid: z.number().int().positive(),
  /** /proc/<pid>/stat start time (clock ticks since boot): a reused pid never matches. */
  startTime: z.number().int().nonnegative(),
  log: z.string(),
  /** The command line it runs (`cluster restart` starts the same again). */
  argv: z.array(z.string()).min(1),
});

const nodeSchema = z.object({
  name: z.string(),
  netns: z.string(),
  hostVeth: z.string(),
  dir: z.string(),
  instanceId: z.string().optional(),
  primaryIp: z.string().optional(),
});

const stateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  name: z.string(),
  stateDir: z.string(),
  /** The `up` that made it: while it runs, nobody else may use the state dir. */
  upPid: z.number().int(),
  upStartTime: z.number().int(),
  phase: z.enum(["starting", "ready"]),
  createdAt: z.string(),
  bridge: z.string().optional(),
  vpcCidr: z.string(),
  kubeconfig: z.object({ path: z.string(), sha256: z.string().optional() }),
  ec2Endpoint: z.string().optional(),
  apiServer: z.string().optional(),
  nodes: z.array(nodeSchema),
  processes: z.array(processSchema),
  /** Host paths that did not exist before `up` and that containerd creates outside its dirs. */
  createdPaths: z.array(z.string()),
});

export type ClusterState = z.infer<typeof stateSchema>;
export type ProcessRecord = z.infer<typeof processSchema>;
export type NodeRecord = z.infer<typeof nodeSchema>;

export class StateFile {
  readonly path: string;
  readonly #file: AtomicFile;
  #state: ClusterState;
  #writes: Promise<void> = Promise.resolve();

  private constructor(path: string, state: ClusterState) {
    this.path = path;
    this.#file = new AtomicFile(path);
    this.#state = state;
  }

  static async create(stateDir: string, initial: ClusterState): Promise<StateFile> {
    const f = new StateFile(stateFileOf(stateDir), initial);
    await f.#flush();
    return f;
  }

  /** The recorded state, or undefined when there is no file. */
  static async read(stateDir: string): Promise<ClusterState | undefined> {
    const path = stateFileOf(stateDir);
    const text = await new AtomicFile(path).read();
    if (text === undefined) return undefined;
    return decodeState(text, path);
  }

  static async open(stateDir: string): Promise<StateFile | undefined> {
    const s = await StateFile.read(stateDir);
    return s === undefined ? undefined : new StateFile(stateFileOf(stateDir), s);
  }

  get state(): ClusterState {
    return this.#state;
  }

  /** Applies a change and writes the file; resolves once it is on disk. */
  update(change: (s: ClusterState) => ClusterState): Promise<void> {
    this.#state = change(this.#state);
    return this.#flush();
  }

  async remove(): Promise<void> {
    await this.#writes;
    await rm(this.path, { force: true });
  }

  #flush(): Promise<void> {
    const text = `${JSON.stringify(this.#state, null, 2)}\n`;
    this.#writes = this.#writes.then(() => this.#file.write(text));
    return this.#writes;
  }
}

export function decodeState(text: string, path: string): ClusterState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HarnessError("invalid-config", `${path} is not JSON (${errorMessage(e)})`, { details: "remove the cluster's leftovers by hand (see `cluster down --help`), then delete the file" });
  }
  const r = stateSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new HarnessError("invalid-config", `${path} is not a ${STATE_FORMAT} state file (${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""})`);
  }
  return r.data;
}
