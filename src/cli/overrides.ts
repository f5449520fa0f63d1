/** Shared parsing of Kafka-style `key=value` options (--override, --config, --property ...). */
export function parseKeyValues(items: readonly string[], flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`Invalid ${flag} "${item}": expected key=value`);
    out.set(item.slice(0, eq).trim(), item.slice(eq + 1));
  }
  return out;
}
