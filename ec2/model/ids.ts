// EC2's identifiers, drawn from the injected seedable RNG (a seed replays the same ids): resource
// ids are a prefix and 17 hex digits (eni-0123456789abcdef0), MACs are locally administered
// unicast (02:…), as EC2's ENI MACs are. `taken` keeps every id unique in the model.

import { hexDigits } from "../../common/rng.js";
import type { Rng } from "../../common/rng.js";

export type IdPrefix = "vpc" | "subnet" | "i" | "r" | "eni" | "eni-attach" | "trunk-assoc" | "eni-perm";

/** Well-formed ids of each kind: the prefix and 8 (older) or 17 hex digits. */
export function isWellFormedId(prefix: IdPrefix | "sg" | "ami", id: string): boolean {
  return new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}

export function newId(rng: Rng, prefix: IdPrefix, taken: (id: string) => boolean): string {
  for (;;) {
    const id = `${prefix}-${hexDigits(rng, 17)}`;
    if (!taken(id)) return id;
  }
}

export function newMac(rng: Rng, taken: (mac: string) => boolean): string {
  const byte = (): string => Math.floor(rng.next() * 256).toString(16).padStart(2, "0");
  for (;;) {
    const mac = `02:${byte()}:${byte()}:${byte()}:${byte()}:${byte()}`;
    if (!taken(mac)) return mac;
  }
}
