import { defineConfig } from "vitest/config";

// Two projects: "unit" (pure and in-process, parallel) and "integration" (exec'd binaries, real
// sockets, network namespaces, containerd; run one file at a time because they share the host).
// `npm test` runs them one after the other (scripts/test.sh), never side by side: integration
// files load the machine, and the unit project must not share it with them.
// Under CI a focused test (.only) must fail the run rather than quietly drop every other test: set
// on each project, since an inline project does not inherit the root's test options.
const allowOnly = !process.env.CI;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          allowOnly,
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.int.test.ts", "node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          allowOnly,
          include: ["test/**/*.int.test.ts"],
          // Every integration test execs dist/: refuse a stale one before any file starts.
          globalSetup: ["test/setup/dist-fresh.ts"],
          fileParallelism: false,
          // @aws-sdk/* warns once per process that its 2027 releases need Node 22 (docs/REFERENCE.md §9).
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
