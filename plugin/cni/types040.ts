// Result type of specs 0.3.0, 0.3.1 and 0.4.0 (Go pkg/types/040): like 1.0.0 but every `ips`
// entry carries "version": "4" or "6".
import type { Interface100, Route100 } from "./types100.js";
import type { Dns } from "./types110.js";

export interface IPConfig040 {
  version: "4" | "6";
  interface?: number;
  address: string;
  gateway?: string;
}

export interface Result040 {
  cniVersion: "0.3.0" | "0.3.1" | "0.4.0";
  interfaces?: Interface100[];
  ips?: IPConfig040[];
  routes?: Route100[];
  dns?: Dns;
}
