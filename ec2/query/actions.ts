// Every action the fake EC2 answers, by name (docs/REFERENCE.md §9: what ipamd, the controller and
// the harness call).

import type { ActionDef } from "./action.js";
import { describeActions } from "./describe-actions.js";
import { writeActions } from "./write-actions.js";

export const ACTIONS: Readonly<Record<string, ActionDef>> = Object.freeze({ ...describeActions, ...writeActions });

export const ACTION_NAMES: readonly string[] = Object.freeze(Object.keys(ACTIONS).sort());

/** The API version this fake speaks (the only one the SDKs send for EC2). */
export const API_VERSION = "2016-11-15";
