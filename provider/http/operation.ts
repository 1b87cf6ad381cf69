/**
 * The resource operation a request belongs to. `provider/host.ts` runs each dynamic-provider call
 * (create, read, update, delete) inside `inOperation`, so that every request of one operation shares
 * one deadline (`<platform>:operationTimeoutMs`) and one place in the rate-limit queue (older
 * operations go first), however many requests the operation makes.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface Operation {
  /** When the operation started (ms since epoch). */
  startedAt: number;
}

const store = new AsyncLocalStorage<Operation>();

export function inOperation<T>(fn: () => T, startedAt = Date.now()): T {
  return store.run({ startedAt }, fn);
}

/** The operation of the calling code, or undefined outside one (a request made directly). */
export const currentOperation = (): Operation | undefined => store.getStore();
