/** Kafka tools' `--property k=v` / `--producer-property k=v` lists and their boolean values. */
import { parseKeyValues } from './overrides.js';

export function propertyMap(items: readonly string[] | undefined, flag: string): Map<string, string> {
  return parseKeyValues(items ?? [], flag);
}

/** Kafka reads these booleans as `value.trim().equalsIgnoreCase("true")`. */
export function boolProperty(props: ReadonlyMap<string, string>, key: string, fallback = false): boolean {
  const v = props.get(key);
  return v === undefined ? fallback : v.trim().toLowerCase() === 'true';
}

/** Java's String.split(regex): no match gives [input]; trailing empty strings are dropped. */
export function javaSplit(input: string, pattern: RegExp): string[] {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const parts: string[] = [];
  let last = 0;
  let matched = false;
  for (const m of input.matchAll(re)) {
    if (m[0].length === 0 && (m.index === 0 || m.index === input.length)) continue;
    matched = true;
    parts.push(input.slice(last, m.index));
    last = m.index! + m[0].length;
  }
  if (!matched) return [input];
  parts.push(input.slice(last));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
