/**
 * kafka-topics.sh's topic filter (TopicFilter.IncludeList): --topic is a Java regular expression
 * that must match the whole name; commas mean "or"; spaces and surrounding quotes are dropped.
 */

/** Kafka's Topic.isInternal. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);

export class IncludeList {
  private readonly pattern: RegExp;

  constructor(readonly raw: string) {
    const regex = raw.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']+/, '').replace(/["']+$/, '');
    try {
      this.pattern = new RegExp(`^(?:${regex})$`);
    } catch {
      throw new Error(`${raw} is an invalid regex.`);
    }
  }

  isTopicAllowed(topic: string, excludeInternalTopics: boolean): boolean {
    return this.pattern.test(topic) && !(excludeInternalTopics && INTERNAL_TOPICS.has(topic));
  }
}

/** The topics kafka-topics.sh acts on: all of them, or those --topic matches; internals optional. */
export function selectTopics(all: readonly string[], topicFilter: string | undefined, excludeInternal: boolean): string[] {
  if (topicFilter === undefined) return all.filter((t) => !(excludeInternal && INTERNAL_TOPICS.has(t)));
  const filter = new IncludeList(topicFilter);
  return all.filter((t) => filter.isTopicAllowed(t, excludeInternal));
}
