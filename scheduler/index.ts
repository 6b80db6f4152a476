// A small kube-scheduler: pure fit logic (fit.ts), the loop (loop.ts) over a port (port.ts).

export { startScheduler, type Scheduler, type SchedulerOptions } from "./loop.js";
export { storePort } from "./store-port.js";
export type { SchedulerPort, SchedulerEvent } from "./port.js";
export { pickNode, misfits, failureMessage, podRequests, type NodeState, type PodDemand } from "./fit.js";
