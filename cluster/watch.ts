// Synchronous watch fan-out: every subscriber sees every change, and one that throws does not
// stop the others (like separate informers on a real API server).

import type { Unsubscribe } from "./types.js";

export interface Fanout<A extends unknown[]> {
  subscribe(fn: (...args: A) => void): Unsubscribe;
  emit(...args: A): void;
  size(): number;
}

export function createFanout<A extends unknown[]>(onError?: (e: unknown) => void): Fanout<A> {
  const subscribers = new Set<(...args: A) => void>();
  return {
    subscribe(fn) {
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry = (...args: A): void => fn(...args);
      subscribers.add(entry);
      return () => void subscribers.delete(entry);
    },
    emit(...args) {
      for (const fn of [...subscribers]) {
        try {
          fn(...args);
        } catch (e) {
          onError?.(e);
        }
      }
    },
    size: () => subscribers.size,
  };
}
