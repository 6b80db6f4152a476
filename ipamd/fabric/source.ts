// The fabric's source: mock-ec2's routing view through the harness client (a long poll with a
// deadline of its wait plus the client's timeout), parsed into typed values.

import type { Ec2HarnessClient } from "../../common/ec2/harness.js";
import type { FabricSource } from "./reconciler.js";
import { parseRouting } from "./view.js";

export function ec2FabricSource(harness: Pick<Ec2HarnessClient, "fabric">): FabricSource {
  return {
    fetch: async (since, waitMs, signal) => parseRouting(await harness.fabric(since, waitMs, signal)),
  };
}
