// mock-ipamd's gRPC server (rpc.CNIBackend, grpc.health.v1, harness.v1.Control) and its clients.

export { startGrpcServer, type GrpcServerOptions, type RunningGrpcServer } from "./server.js";
export type { ControlDeps } from "./control-service.js";
export { checkClientVersion } from "./cni-service.js";
export { controlClient, cniBackendClient, type CallOptions, type CniBackendClient, type ControlClient } from "./control-client.js";
export { loadProtos, protoDir, grpcTarget } from "./protos.js";
export { parseListen, type ListenTarget } from "./listen.js";
export type * from "./control-types.js";
