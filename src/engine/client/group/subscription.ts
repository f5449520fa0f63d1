/**
 * What a group member subscribes to: a list of topic names, or a pattern matched against the
 * cluster's topics (internal topics excluded, as Java's exclude.internal.topics=true does). A
 * member joins with the topics its subscription resolves to and rejoins when that set changes.
 */
import type { Cluster } from '../cluster.js';

export type SubscriptionSpec = readonly string[] | RegExp;

export class Subscription {
  constructor(readonly spec: SubscriptionSpec) {}

  get isPattern(): boolean {
    return this.spec instanceof RegExp;
  }

  /** The subscribed topics that exist now, sorted (a listed topic that does not exist yet is kept: it may be created). */
  async resolve(cluster: Cluster): Promise<string[]> {
    if (!(this.spec instanceof RegExp)) return [...new Set(this.spec)].sort();
    const pattern = this.spec;
    const snapshot = await cluster.refreshMetadata(null);
    return snapshot.topics
      .filter((t) => t.errorCode === 0 && !t.isInternal && fullMatch(pattern, t.name))
      .map((t) => t.name)
      .sort();
  }
}

/** Java's Pattern.matcher(topic).matches(): the whole name must match. */
function fullMatch(pattern: RegExp, name: string): boolean {
  const m = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(name);
  return m !== null && m.index === 0 && m[0].length === name.length;
}

export function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
