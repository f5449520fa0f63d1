/** kafka-console-consumer.sh's DefaultMessageFormatter output, byte for byte. */
import { describe, expect, it } from 'vitest';
import type { ConsumerRecord } from '../../src/engine/client/fetch-records.js';
import { MessageFormatter, formatterConfig } from '../../src/cli/message-formatter.js';

const record = (over: Partial<ConsumerRecord> = {}): ConsumerRecord => ({
  topic: 't',
  partition: 0,
  offset: 5,
  timestamp: 1690000000000,
  timestampType: 'CreateTime',
  key: Buffer.from('key'),
  value: Buffer.from('value'),
  headers: [],
  leaderEpoch: 0,
  ...over,
});

const format = (props: Record<string, string>, r = record()) => new MessageFormatter(formatterConfig(new Map(Object.entries(props)))).format(r).toString();

describe('DefaultMessageFormatter', () => {
  it('prints the value alone by default', () => {
    expect(format({})).toBe('value\n');
  });

  it('prints timestamp, partition, offset, key and value in Kafka order', () => {
    expect(format({ 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.key': 'true' })).toBe(
      'CreateTime:1690000000000\tPartition:0\tOffset:5\tkey\tvalue\n',
    );
  });

  it('prints headers (or NO_HEADERS) before the key, and null for missing parts', () => {
    const withHeaders = record({ headers: [{ key: 'h1', value: Buffer.from('v1') }, { key: 'h2', value: null }], key: null });
    expect(format({ 'print.headers': 'true', 'print.key': 'true' }, withHeaders)).toBe('h1:v1,h2:null\tnull\tvalue\n');
    expect(format({ 'print.headers': 'true' })).toBe('NO_HEADERS\tvalue\n');
    expect(format({ 'print.key': 'true', 'key.separator': ' => ', 'null.literal': '<none>' }, record({ value: null }))).toBe('key => <none>\n');
  });

  it('ends the line early when the value is not printed', () => {
    expect(format({ 'print.key': 'true', 'print.value': 'false' })).toBe('key\n');
    expect(format({ 'print.offset': 'true', 'print.value': 'false' })).toBe('Offset:5\n');
    expect(format({ 'print.timestamp': 'true', 'line.separator': '\r\n' }, record({ timestampType: 'LogAppendTime', timestamp: 7 }))).toBe('LogAppendTime:7\tvalue\r\n');
  });

  it('writes keys and values as raw bytes', () => {
    const raw = Buffer.from([0xff, 0x00, 0xfe]);
    const out = new MessageFormatter(formatterConfig(new Map())).format(record({ value: raw }));
    expect(out).toEqual(Buffer.concat([raw, Buffer.from('\n')]));
  });
});
