#!/usr/bin/env node
// The vpc-cni-harness CLI: demo, scenarios and cleanup (commander; `--help` on every command).
// Usage errors (unknown options or commands, missing arguments, conflicting flags) exit 2 before
// anything starts; the commands set their own exit codes.

import { runCli } from "../harness/cli.js";

process.exitCode = await runCli(process.argv);
