// The embedded Kubernetes API server: public entry points.

export { apiServerCommand } from "./command.js";
export { startApiServer, type ApiServer, type ApiServerOptions } from "./server.js";
export { makeServingCert, type ServingCert } from "./tls.js";
export { kubeconfigYaml, writeKubeconfig } from "./kubeconfig.js";
export { runApiServer, type RunningApiServer } from "./run.js";
