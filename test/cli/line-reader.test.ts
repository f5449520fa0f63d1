/** kafka-console-producer.sh's line format: headers, key, value, separators and null markers. */
import { describe, expect, it } from 'vitest';
import { LineParser, isPlainValue, lineReaderConfig } from '../../src/cli/line-reader.js';
import { javaSplit, propertyMap } from '../../src/cli/properties.js';
import { lineBatches } from '../../src/cli/stdin-lines.js';

const parser = (props: Record<string, string>) => new LineParser(lineReaderConfig(new Map(Object.entries(props))));

describe('console producer properties', () => {
  it('parses --property lists like Kafka', () => {
    expect([...propertyMap(['parse.key=true', 'key.separator=:', 'null.marker='], '--property')]).toEqual([
      ['parse.key', 'true'],
      ['key.separator', ':'],
      ['null.marker', ''],
    ]);
    expect(() => propertyMap(['parse.key'], '--property')).toThrow('Invalid --property "parse.key": expected key=value');
  });

  it('reads values verbatim by default', () => {
    const config = lineReaderConfig(new Map());
    expect(isPlainValue(config)).toBe(true);
    expect(parser({}).parse('a\tb:c', 1)).toEqual({ key: null, value: 'a\tb:c', headers: [] });
  });

  it('splits key and value at key.separator', () => {
    const p = parser({ 'parse.key': 'TRUE', 'key.separator': ':' });
    expect(p.parse('user1:hello:world', 1)).toEqual({ key: 'user1', value: 'hello:world', headers: [] });
    expect(p.parse(':empty key', 1)).toEqual({ key: '', value: 'empty key', headers: [] });
    expect(() => p.parse('no separator', 7)).toThrow("No key separator found on line number 7: 'no separator'");
    expect(parser({ 'parse.key': 'true', 'ignore.error': 'true' }).parse('no tab', 1)).toEqual({ key: null, value: 'no tab', headers: [] });
  });

  it("parses Kafka's headers format before the key", () => {
    const p = parser({ 'parse.headers': 'true', 'parse.key': 'true' });
    expect(p.parse('h1:v1,h2:v2\tkey\tvalue', 1)).toEqual({
      key: 'key',
      value: 'value',
      headers: [
        { key: 'h1', value: 'v1' },
        { key: 'h2', value: 'v2' },
      ],
    });
    expect(p.parse('h:a:b\tk\tv', 1).headers).toEqual([{ key: 'h', value: 'a:b' }]);
    expect(() => p.parse('nokeysep\tk\tv', 3)).toThrow("No header key separator found in pair 'nokeysep' on line number 3");
    expect(() => p.parse('no headers', 4)).toThrow("No headers delimiter found on line number 4: 'no headers'");
  });

  it('honours custom delimiters, regex header separators and the null marker', () => {
    const p = parser({
      'parse.headers': 'true',
      'parse.key': 'true',
      'headers.delimiter': '|',
      'headers.separator': ';+',
      'headers.key.separator': '=',
      'key.separator': ',',
      'null.marker': 'NULL',
    });
    expect(p.parse('a=1;;b=NULL|NULL,NULL', 1)).toEqual({
      key: null,
      value: null,
      headers: [
        { key: 'a', value: '1' },
        { key: 'b', value: null },
      ],
    });
    expect(p.parse('NULL|k,v', 1)).toEqual({ key: 'k', value: 'v', headers: [] });
  });

  it("refuses separators Kafka refuses", () => {
    expect(() => lineReaderConfig(new Map([['headers.separator', '\t']]))).toThrow('headers.delimiter and headers.separator may not be equal');
    expect(() => lineReaderConfig(new Map([['headers.key.separator', ',']]))).toThrow('headers.separator and headers.key.separator may not be equal');
    expect(() => lineReaderConfig(new Map([['null.marker', '\t']]))).toThrow('null.marker and key.separator may not be equal');
  });

  it("splits like Java's String.split", () => {
    expect(javaSplit('a,b,,', /,/)).toEqual(['a', 'b']);
    expect(javaSplit('', /,/)).toEqual(['']);
    expect(javaSplit('abc', /,/)).toEqual(['abc']);
    expect(javaSplit(',a', /,/)).toEqual(['', 'a']);
  });
});

describe('stdin lines', () => {
  async function collect(chunks: string[]): Promise<string[]> {
    const out: string[] = [];
    async function* source() {
      for (const c of chunks) yield Buffer.from(c);
    }
    for await (const batch of lineBatches(source())) out.push(...batch.map((b) => b.toString()));
    return out;
  }

  it('splits across chunks, on \\n, \\r\\n and \\r, keeping empty lines and a final unterminated line', async () => {
    expect(await collect(['one\ntw', 'o\r', '\nthree\n\nfour'])).toEqual(['one', 'two', 'three', '', 'four']);
    expect(await collect(['a\rb\r\n'])).toEqual(['a', 'b']);
    expect(await collect([])).toEqual([]);
  });
});
