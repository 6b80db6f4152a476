// A typed, promise-based client of harness.v1.Control (and rpc.CNIBackend for tests and
// benchmarks), with a deadline on every call. Used by the harness CLI, tests and the benchmark.

import * as grpc from "@grpc/grpc-js";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";
import type { ControlStreams, ControlUnary } from "./control-types.js";
import { grpcTarget, loadProtos } from "./protos.js";

export interface CallOptions {
  /** Deadline of the call in ms (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type ControlClient = {
  [K in keyof ControlUnary]: (req: ControlUnary[K][0], opts?: CallOptions) => Promise<ControlUnary[K][1]>;
} & {
  [K in keyof ControlStreams]: (req: ControlStreams[K][0]) => grpc.ClientReadableStream<ControlStreams[K][1]>;
} & { close(): void; raw: grpc.Client };

export interface CniBackendClient {
  AddNetwork(req: Partial<AddNetworkRequest>, opts?: CallOptions): Promise<AddNetworkReply>;
  DelNetwork(req: Partial<DelNetworkRequest>, opts?: CallOptions): Promise<DelNetworkReply>;
  close(): void;
  raw: grpc.Client;
}

type RawUnary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: unknown) => void) => grpc.ClientUnaryCall;

function unary(client: grpc.Client, method: string) {
  const fn = (client as unknown as Record<string, RawUnary>)[method] as RawUnary;
  return (req: unknown, opts: CallOptions = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + (opts.timeoutMs ?? 10_000));
      const call = fn.call(client, req, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res)));
      opts.signal?.addEventListener("abort", () => call.cancel(), { once: true });
    });
}

function wrap(client: grpc.Client, unaryNames: readonly string[], streamNames: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { close: () => client.close(), raw: client };
  for (const m of unaryNames) out[m] = unary(client, m);
  for (const m of streamNames) {
    const fn = (client as unknown as Record<string, (req: unknown) => unknown>)[m] as (req: unknown) => unknown;
    out[m] = (req: unknown) => fn.call(client, req);
  }
  return out;
}

const UNARY: readonly (keyof ControlUnary)[] = [
  "CreatePod", "SchedulePod", "DeletePod", "GetPod", "ListPods", "ApplySecurityGroupPolicy",
  "DeleteSecurityGroupPolicy", "RecordEvent", "ListEvents", "SetProvisioningDelay", "SetFaults",
  "SetBranchWait", "ListENIs", "ListLeases", "GetNode", "ReconcileLeases",
];
const STREAMS: readonly (keyof ControlStreams)[] = ["WatchPods", "WatchEvents"];

/** A harness.v1.Control client for `unix:///path` or `host:port`. */
export function controlClient(address: string): ControlClient {
  const { control } = loadProtos();
  const client = new control(grpcTarget(address), grpc.credentials.createInsecure());
  return wrap(client, UNARY, STREAMS) as unknown as ControlClient;
}

/** An rpc.CNIBackend client (what the plugin speaks), for tests and benchmarks. */
export function cniBackendClient(address: string): CniBackendClient {
  const { cniBackend } = loadProtos();
  const client = new cniBackend(grpcTarget(address), grpc.credentials.createInsecure());
  return wrap(client, ["AddNetwork", "DelNetwork"], []) as unknown as CniBackendClient;
}
