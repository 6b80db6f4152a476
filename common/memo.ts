// A bounded memo for pure functions called again and again with the same few keys (the times and
// annotation values a simulated run writes and parses thousands of times per simulated instant).
// When full it starts over: the working set is small, so that is rare and costs one recompute each.

export class Memo<K, V> {
  readonly #map = new Map<K, V>();
  readonly #cap: number;

  constructor(cap = 512) {
    this.#cap = Math.max(1, cap);
  }

  get(k: K): V | undefined {
    return this.#map.get(k);
  }

  set(k: K, v: V): V {
    if (this.#map.size >= this.#cap) this.#map.clear();
    this.#map.set(k, v);
    return v;
  }

  get size(): number {
    return this.#map.size;
  }
}
