/**
 * kafka-console-producer.sh's LineMessageReader: one record per line, optionally
 * `headers<headers.delimiter>key<key.separator>value`, headers as `k1:v1,k2:v2`, with Kafka's
 * property names, defaults, validation and error messages.
 */
import { boolProperty, javaSplit } from './properties.js';

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  /** A regular expression, as in Kafka (Pattern.split). */
  headersSeparator: string;
  headersKeySeparator: string;
  ignoreError: boolean;
  nullMarker: string | null;
}

export interface ParsedLine {
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  const c: LineReaderConfig = {
    parseKey: boolProperty(props, 'parse.key'),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: boolProperty(props, 'parse.headers'),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    ignoreError: boolProperty(props, 'ignore.error'),
    nullMarker: props.get('null.marker') ?? null,
  };
  const distinct: [keyof LineReaderConfig, keyof LineReaderConfig, string, string][] = [
    ['headersDelimiter', 'headersSeparator', 'headers.delimiter', 'headers.separator'],
    ['headersDelimiter', 'headersKeySeparator', 'headers.delimiter', 'headers.key.separator'],
    ['headersSeparator', 'headersKeySeparator', 'headers.separator', 'headers.key.separator'],
    ['nullMarker', 'keySeparator', 'null.marker', 'key.separator'],
    ['nullMarker', 'headersSeparator', 'null.marker', 'headers.separator'],
    ['nullMarker', 'headersDelimiter', 'null.marker', 'headers.delimiter'],
    ['nullMarker', 'headersKeySeparator', 'null.marker', 'headers.key.separator'],
  ];
  for (const [a, b, an, bn] of distinct) {
    if (c[a] === c[b]) throw new Error(`${an} and ${bn} may not be equal`);
  }
  try {
    new RegExp(c.headersSeparator);
  } catch {
    throw new Error(`headers.separator ${c.headersSeparator} is not a valid regular expression`);
  }
  return c;
}

/** True when a line is the value as it stands, so the fast path can skip parsing entirely. */
export const isPlainValue = (c: LineReaderConfig): boolean => !c.parseKey && !c.parseHeaders && c.nullMarker === null;

export class LineParser {
  private readonly headersPattern: RegExp;

  constructor(private readonly c: LineReaderConfig) {
    this.headersPattern = new RegExp(c.headersSeparator);
  }

  parse(line: string, lineNumber: number): ParsedLine {
    const c = this.c;
    const headersText = this.field(c.parseHeaders, line, 0, c.headersDelimiter, 'headers delimiter', lineNumber);
    const headerOffset = headersText === null ? 0 : headersText.length + c.headersDelimiter.length;
    const key = this.field(c.parseKey, line, headerOffset, c.keySeparator, 'key separator', lineNumber);
    const keyOffset = key === null ? 0 : key.length + c.keySeparator.length;
    const value = line.slice(headerOffset + keyOffset);
    const headers = headersText !== null && headersText !== c.nullMarker ? this.headers(headersText, lineNumber) : [];
    return {
      key: key !== null && key !== c.nullMarker ? key : null,
      value: value !== c.nullMarker ? value : null,
      headers,
    };
  }

  private field(enabled: boolean, line: string, start: number, separator: string, name: string, lineNumber: number): string | null {
    if (!enabled) return null;
    const index = line.indexOf(separator, start);
    if (index === -1) {
      if (this.c.ignoreError) return null;
      throw new Error(`No ${name} found on line number ${lineNumber}: '${line}'`);
    }
    return line.slice(start, index);
  }

  private headers(text: string, lineNumber: number): { key: string; value: string | null }[] {
    const c = this.c;
    return javaSplit(text, this.headersPattern).map((pair) => {
      const i = pair.indexOf(c.headersKeySeparator);
      if (i === -1) {
        if (c.ignoreError) return { key: pair, value: null };
        throw new Error(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
      }
      const key = pair.slice(0, i);
      if (key === c.nullMarker) throw new Error(`Header keys should not be equal to the null marker '${c.nullMarker}' as they can't be null`);
      const value = pair.slice(i + c.headersKeySeparator.length);
      return { key, value: value === c.nullMarker ? null : value };
    });
  }
}
