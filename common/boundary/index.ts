// The typed boundary (issue #10): every value that crosses a process boundary is parsed here into
// a typed value before use, by the plugin and by the daemon alike. One module, one set of rules.
export * from "./address.js";
export * from "./names.js";
export * from "./net.js";
export * from "./parsed.js";
