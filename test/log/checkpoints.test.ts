import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CheckpointFormatError, LeaderEpochCheckpointFile, OffsetCheckpointFile } from '../../src/engine/log/checkpoint-file.js';
import { LeaderEpochCache, UNDEFINED_EPOCH } from '../../src/engine/log/leader-epoch-cache.js';
import { readPartitionMetadata, topicIdToString, writePartitionMetadata } from '../../src/engine/log/partition-metadata.js';
import { cleanupTmpDirs, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

describe('offset checkpoint files', () => {
  test("Kafka's text format, written atomically", () => {
    const file = path.join(tmpDir(), 'recovery-point-offset-checkpoint');
    const cp = new OffsetCheckpointFile(file);
    expect(cp.read().size).toBe(0);
    cp.write([
      { topic: 'a-b', partition: 0, offset: 10 },
      { topic: 'x', partition: 12, offset: 9007199254740991 },
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n2\na-b 0 10\nx 12 9007199254740991\n');
    expect([...cp.read()]).toEqual([
      ['a-b-0', 10],
      ['x-12', 9007199254740991],
    ]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['recovery-point-offset-checkpoint']); // no .tmp left
  });

  test('malformed files are refused with the file named', () => {
    const dir = tmpDir();
    const cases = ['', '1\n0\n', '0\n2\nt 0 1\n', '0\n1\nt zero 1\n', '0\n1\nt 0\n'];
    cases.forEach((text, i) => {
      const f = path.join(dir, `cp${i}`);
      fs.writeFileSync(f, text);
      expect(() => new OffsetCheckpointFile(f).read()).toThrow(CheckpointFormatError);
      expect(() => new OffsetCheckpointFile(f).read()).toThrow(f);
    });
  });
});

describe('LeaderEpochCache', () => {
  test('assign keeps epochs and start offsets increasing, and persists leader-epoch-checkpoint', () => {
    const file = path.join(tmpDir(), 'leader-epoch-checkpoint');
    const c = LeaderEpochCache.load(file);
    expect(c.latestEpoch()).toBe(UNDEFINED_EPOCH);
    c.assign(1, 0);
    c.assign(1, 5); // same epoch, later offset: no-op
    c.assign(3, 10);
    c.assign(5, 20);
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n3\n1 0\n3 10\n5 20\n');
    c.assign(4, 15); // a lower epoch than the latest: drops entries it contradicts
    expect(c.epochEntries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 15 },
    ]);
    expect(LeaderEpochCache.load(file).epochEntries).toEqual(c.epochEntries);
    expect(new LeaderEpochCheckpointFile(file).read().length).toBe(3);
  });

  test('endOffsetFor answers OffsetForLeaderEpoch like Kafka', () => {
    const c = new LeaderEpochCache(undefined, [
      { epoch: 2, startOffset: 0 },
      { epoch: 4, startOffset: 100 },
      { epoch: 7, startOffset: 250 },
    ]);
    expect(c.endOffsetFor(7, 300)).toEqual({ epoch: 7, endOffset: 300 });
    expect(c.endOffsetFor(4, 300)).toEqual({ epoch: 4, endOffset: 250 });
    expect(c.endOffsetFor(5, 300)).toEqual({ epoch: 4, endOffset: 250 });
    expect(c.endOffsetFor(1, 300)).toEqual({ epoch: 1, endOffset: 0 });
    expect(c.endOffsetFor(8, 300)).toEqual({ epoch: -1, endOffset: -1 });
    expect(c.endOffsetFor(-1, 300)).toEqual({ epoch: -1, endOffset: -1 });
    expect(c.epochForOffset(99)).toBe(2);
    expect(c.epochForOffset(100)).toBe(4);
  });

  test('truncation from the end and from the start', () => {
    const c = new LeaderEpochCache(undefined, [
      { epoch: 2, startOffset: 0 },
      { epoch: 4, startOffset: 100 },
      { epoch: 7, startOffset: 250 },
    ]);
    c.truncateFromEnd(250);
    expect(c.latestEpoch()).toBe(4);
    c.truncateFromStart(120);
    expect(c.epochEntries).toEqual([{ epoch: 4, startOffset: 120 }]);
  });
});

describe('partition.metadata', () => {
  test('version 0 with the topic id in Kafka base64', () => {
    const dir = tmpDir();
    const id = topicIdToString(Buffer.from('0123456789abcdef'));
    writePartitionMetadata(dir, id);
    expect(fs.readFileSync(path.join(dir, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${id}\n`);
    expect(id).toHaveLength(22);
    expect(readPartitionMetadata(dir)).toBe(id);
    expect(readPartitionMetadata(tmpDir())).toBeUndefined();
    expect(() => topicIdToString('short')).toThrow(/16 bytes/);
  });
});
