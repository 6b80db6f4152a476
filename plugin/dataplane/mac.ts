// Deterministic, locally administered unicast MACs, so the dataplane never reads a MAC back.
import type { Mac } from "../../common/boundary/index.js";
import { sha1Bytes6 } from "../../common/hash.js";

/**
 * A MAC derived from `seed`: the same seed always gives the same address. The first octet has the
 * locally-administered bit set and the multicast bit clear (IEEE 802, as the kernel's
 * eth_random_addr does), so it can never collide with a vendor (OUI) address.
 */
export function deterministicMac(seed: string): Mac {
  const bytes = sha1Bytes6(seed);
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":") as Mac;
}

/** Host veth MAC: the pod's permanent neighbour entry for 169.254.1.1 points at it. */
export function hostVethMac(hostVethName: string): Mac {
  return deterministicMac(`host-veth/${hostVethName}`);
}

/** Container-side MAC, per attachment (container id + ifname), reported in the CNI result. */
export function containerMac(containerId: string, ifName: string): Mac {
  return deterministicMac(`container/${containerId}/${ifName}`);
}
