// The fake EC2 (stub; implementation follows).

import type { Clock } from "../common/clock.js";
import type { Ec2Config, FakeEc2, Rng } from "./types.js";

export interface FakeEc2Deps {
  clock: Clock;
  rng: Rng;
}

export class Ec2Error extends Error {
  override readonly name = "Ec2Error";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isEc2Error(e: unknown): e is Ec2Error {
  return e instanceof Ec2Error;
}

export function createFakeEc2(_deps: FakeEc2Deps, _config: Ec2Config): FakeEc2 {
  throw new Error("not implemented yet");
}
