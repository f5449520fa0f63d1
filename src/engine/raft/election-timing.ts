/**
 * Election timing, as Kafka computes it. Randomness keeps voters from standing at the same moment
 * (split votes); the exponential backoff keeps repeated losers from colliding again; the strict
 * backoff after a graceful resignation lets the most caught-up successor stand first.
 */
import type { RaftConfig } from './raft-config.js';
import { randomInt, type Random } from './prng.js';

/** Base of the binary exponential backoff between lost elections (Kafka's RETRY_BACKOFF_BASE_MS). */
const BACKOFF_BASE_MS = 50;

/** election.timeout.ms plus up to as much again of jitter. */
export function randomElectionTimeoutMs(config: RaftConfig, random: Random): number {
  return config.electionTimeoutMs + randomInt(random, Math.max(1, config.electionTimeoutMs));
}

/** After losing election number `retries` (>= 1): a random wait, doubling its range each time. */
export function binaryExponentialBackoffMs(config: RaftConfig, random: Random, retries: number): number {
  const range = 2 << Math.min(20, Math.max(0, retries - 1));
  return Math.min(BACKOFF_BASE_MS * randomInt(random, range), config.electionBackoffMaxMs);
}

/**
 * How long a voter waits after EndQuorumEpoch before standing: the first preferred successor at
 * once, the next ones after growing waits, voters not in the list after the maximum.
 */
export function strictExponentialBackoffMs(config: RaftConfig, position: number, successors: number): number {
  if (position === 0) return 0;
  if (position < 0 || position >= successors) return config.electionBackoffMaxMs;
  const base = config.electionBackoffMaxMs >> (successors - 1);
  return Math.min(config.electionBackoffMaxMs, base << (position - 1));
}
