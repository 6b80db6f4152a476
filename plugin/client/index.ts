// The ipamd client: the interface and error type (types.ts); the grpc-js implementation is in
// grpc.ts, imported on its own so verbs and tests never load grpc-js.
export * from "./types.js";
