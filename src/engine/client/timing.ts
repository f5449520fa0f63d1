/** Small timing helpers shared by the client: sleeps and deadlines. */
import { TimeoutError } from './errors.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reject with TimeoutError if `promise` has not settled within `ms`. `onTimeout` runs first, so a
 * caller can tear down whatever the promise was waiting on (a connection with a lost response).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string, onTimeout?: () => void): Promise<T> {
  if (!Number.isFinite(ms)) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(message));
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Exponential backoff with jitter, as Kafka's retry.backoff.ms / retry.backoff.max.ms. */
export function backoffMs(attempt: number, baseMs = 100, maxMs = 1000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}
