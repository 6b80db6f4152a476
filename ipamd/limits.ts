// ipamd's view of the per instance type limits: the shared table in common/limits.ts (the fake EC2
// and the controller read the same one, docs/REFERENCE.md §4).

export * from "../common/limits.js";
