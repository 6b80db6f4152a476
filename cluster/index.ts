// The cluster: Kubernetes wire shapes and typed views (k8s/), the seam every actor reaches the
// cluster through (client/), and the object store behind the memory backend and the embedded API
// server (store/).

export * from "./k8s/index.js";
export * from "./client/index.js";
