// The newest result type (spec 1.1.0, Go pkg/types/100 "current"): plugins build this one and
// convert once when printing (convert.ts).

export interface Interface110 {
  name: string;
  mac?: string;
  /** 1.1.0 */
  mtu?: number;
  sandbox?: string;
  /** 1.1.0 */
  socketPath?: string;
  /** 1.1.0 */
  pciID?: string;
}

export interface IPConfig110 {
  /** Index into `interfaces`. */
  interface?: number;
  /** CIDR, e.g. "10.0.0.5/32". */
  address: string;
  gateway?: string;
}

export interface Route110 {
  dst: string;
  gw?: string;
  /** 1.1.0 route fields */
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  scope?: number;
}

export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface Result110 {
  cniVersion: "1.1.0";
  interfaces?: Interface110[];
  ips?: IPConfig110[];
  routes?: Route110[];
  dns?: Dns;
}
