/** Strings on the wire: the short-ASCII fast path must agree with Node's UTF-8 encoder everywhere. */
import { describe, expect, it } from 'vitest';
import { Reader, Writer, utf8ByteLength } from '../../src/engine/protocol/primitives.js';

const samples = [
  '',
  'orders',
  'console-consumer-12345',
  'a'.repeat(64),
  'a'.repeat(65),
  'é',
  'topic-é',
  'ü'.repeat(40),
  '日本語のトピック',
  'x'.repeat(63) + '😀',
  '😀' + 'x'.repeat(10),
  'mixed ascii then \u0080',
  '\u007f\u0000\u0001',
  'b'.repeat(500) + 'ß',
];

describe('UTF-8 strings', () => {
  it('measures every string as Buffer.byteLength does', () => {
    for (const s of samples) expect(utf8ByteLength(s), JSON.stringify(s)).toBe(Buffer.byteLength(s));
  });

  it('writes the bytes Buffer.from would, and reads them back', () => {
    for (const s of samples) {
      const w = new Writer(4);
      w.int8(7);
      w.utf8(s);
      w.int8(9);
      const out = w.toBuffer();
      expect(out, JSON.stringify(s)).toEqual(Buffer.concat([Buffer.from([7]), Buffer.from(s, 'utf8'), Buffer.from([9])]));
      const r = new Reader(out);
      expect(r.int8()).toBe(7);
      expect(r.utf8(Buffer.byteLength(s))).toBe(s);
      expect(r.int8()).toBe(9);
    }
  });
});
