// What an EC2 action is to the server: whether it changes state (and so waits for a durable write
// before its reply), and how its parameters decode into a run against the model.

import type { Ec2Model } from "../model/model.js";
import type { Params } from "./params.js";
import type { XmlNode } from "./xml.js";

export interface ActionDef {
  readonly mutates: boolean;
  /** Reads every parameter the action takes (throwing EC2's errors) and returns its run. */
  decode(p: Params): (m: Ec2Model) => XmlNode;
}
