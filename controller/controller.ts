// The fake VPC resource controller (stub; implementation follows).

import type { ControllerDeps, ControllerOptions, VpcResourceController } from "./types.js";

export function createController(_deps: ControllerDeps, _options: ControllerOptions = {}): VpcResourceController {
  throw new Error("not implemented yet");
}
