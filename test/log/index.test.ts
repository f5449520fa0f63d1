import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { IndexCorruptError } from '../../src/engine/log/log-index.js';
import { OffsetIndex } from '../../src/engine/log/offset-index.js';
import { TimeIndex, NO_TIMESTAMP } from '../../src/engine/log/time-index.js';
import { cleanupTmpDirs, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

describe('OffsetIndex', () => {
  test('append, lookup (greatest entry <= target) and lastOffset', () => {
    const idx = new OffsetIndex(path.join(tmpDir(), 'a.index'), 100, 1024);
    idx.reset();
    expect(idx.lookup(150)).toEqual({ offset: 100, position: 0 });
    for (let i = 1; i <= 10; i++) idx.append(100 + i * 10, i * 1000);
    expect(idx.entries).toBe(10);
    expect(idx.lastOffset).toBe(200);
    expect(idx.lookup(99)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookup(109)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookup(110)).toEqual({ offset: 110, position: 1000 });
    expect(idx.lookup(155)).toEqual({ offset: 150, position: 5000 });
    expect(idx.lookup(10_000)).toEqual({ offset: 200, position: 10_000 });
    expect(() => idx.append(200, 11_000)).toThrow(/no larger/);
  });

  test('file is preallocated while writable, trimmed on close, and reloads', () => {
    const file = path.join(tmpDir(), 'b.index');
    const idx = new OffsetIndex(file, 0, 10 * 1024 * 1024 + 3);
    idx.reset();
    idx.makeWritable();
    expect(fs.statSync(file).size).toBe(10 * 1024 * 1024); // rounded down to whole entries
    idx.append(5, 100);
    idx.append(9, 200);
    idx.flush();
    expect(fs.statSync(file).size).toBe(10 * 1024 * 1024);
    idx.close();
    expect(fs.statSync(file).size).toBe(16);
    const again = new OffsetIndex(file, 0, 1024);
    again.load();
    expect(again.entries).toBe(2);
    expect(again.lookup(7)).toEqual({ offset: 5, position: 100 });
  });

  test('an untrimmed (preallocated) file reads back only its real entries', () => {
    const file = path.join(tmpDir(), 'c.index');
    const idx = new OffsetIndex(file, 0, 4096);
    idx.reset();
    idx.makeWritable();
    idx.append(3, 50);
    idx.writePending();
    idx.closeFd(); // crash: no trim
    expect(fs.statSync(file).size).toBe(4096);
    const again = new OffsetIndex(file, 0, 4096);
    again.load();
    expect(again.entries).toBe(1);
  });

  test('truncateTo drops entries at or above the offset', () => {
    const idx = new OffsetIndex(path.join(tmpDir(), 'd.index'), 0, 1024);
    idx.reset();
    for (let i = 1; i <= 5; i++) idx.append(i * 10, i * 100);
    idx.truncateTo(30);
    expect(idx.entries).toBe(2);
    idx.truncateTo(25);
    expect(idx.entries).toBe(2);
    idx.truncateTo(0);
    expect(idx.entries).toBe(0);
  });

  test('isFull at segment.index.bytes / 8 entries', () => {
    const idx = new OffsetIndex(path.join(tmpDir(), 'e.index'), 0, 24);
    idx.reset();
    idx.append(1, 10);
    idx.append(2, 20);
    expect(idx.isFull()).toBe(false);
    idx.append(3, 30);
    expect(idx.isFull()).toBe(true);
    expect(() => idx.append(4, 40)).toThrow(/full/);
  });

  test('sanity check refuses non-monotonic entries, odd sizes and missing files', () => {
    const dir = tmpDir();
    const bad = Buffer.alloc(16);
    bad.writeInt32BE(5, 0);
    bad.writeInt32BE(100, 4);
    bad.writeInt32BE(3, 8);
    bad.writeInt32BE(200, 12);
    fs.writeFileSync(path.join(dir, 'x.index'), bad);
    expect(() => new OffsetIndex(path.join(dir, 'x.index'), 0, 1024).load()).toThrow(IndexCorruptError);
    fs.writeFileSync(path.join(dir, 'y.index'), Buffer.alloc(13, 1));
    expect(() => new OffsetIndex(path.join(dir, 'y.index'), 0, 1024).load()).toThrow(/multiple/);
    expect(() => new OffsetIndex(path.join(dir, 'z.index'), 0, 1024).load()).toThrow(/missing/);
  });
});

describe('TimeIndex', () => {
  test('maybeAppend only when the timestamp grows; lookup greatest entry <= target', () => {
    const idx = new TimeIndex(path.join(tmpDir(), 'a.timeindex'), 1000, 1200);
    idx.reset();
    expect(idx.lastEntry()).toEqual({ timestamp: NO_TIMESTAMP, offset: 1000 });
    idx.maybeAppend(500, 1005);
    idx.maybeAppend(500, 1010); // same timestamp: skipped
    idx.maybeAppend(400, 1012); // smaller: skipped
    idx.maybeAppend(900, 1020);
    expect(idx.entries).toBe(2);
    expect(idx.lookup(100)).toEqual({ timestamp: NO_TIMESTAMP, offset: 1000 });
    expect(idx.lookup(500)).toEqual({ timestamp: 500, offset: 1005 });
    expect(idx.lookup(899)).toEqual({ timestamp: 500, offset: 1005 });
    expect(idx.lookup(5000)).toEqual({ timestamp: 900, offset: 1020 });
    expect(() => idx.maybeAppend(1000, 1001)).toThrow(/behind/);
  });

  test('keeps a slot for the final entry and persists 12-byte entries', () => {
    const file = path.join(tmpDir(), 'b.timeindex');
    const idx = new TimeIndex(file, 0, 36);
    idx.reset();
    idx.makeWritable();
    idx.maybeAppend(10, 1);
    idx.maybeAppend(20, 2);
    expect(idx.isFull()).toBe(true);
    idx.maybeAppend(30, 3, true);
    expect(idx.entries).toBe(3);
    idx.close();
    expect(fs.statSync(file).size).toBe(36);
    const again = new TimeIndex(file, 0, 36);
    again.load();
    expect(again.lastEntry()).toEqual({ timestamp: 30, offset: 3 });
    again.truncateTo(2);
    expect(again.lastEntry()).toEqual({ timestamp: 10, offset: 1 });
  });
});
