// Introspection HTTP and Prometheus metrics of mock-ipamd.

export { createMetrics, type IpamdMetrics, type MetricsSources } from "./metrics.js";
export { introspectionHandler, metricsHandler, type IntrospectionSources } from "./introspection.js";
export { startHttp, sendJson, type Handler, type RunningHttp } from "./listen.js";
