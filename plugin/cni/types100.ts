// Result type of spec 1.0.0: as 1.1.0 without the interface mtu/socketPath/pciID and the route
// mtu/advmss/priority/table/scope fields; `ips` carry no `version`.
import type { Dns } from "./types110.js";

export interface Interface100 {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface IPConfig100 {
  interface?: number;
  address: string;
  gateway?: string;
}

export interface Route100 {
  dst: string;
  gw?: string;
}

export interface Result100 {
  cniVersion: "1.0.0";
  interfaces?: Interface100[];
  ips?: IPConfig100[];
  routes?: Route100[];
  dns?: Dns;
}
