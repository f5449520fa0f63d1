/** Colours and spinners only for a person at a terminal, and never with NO_COLOR. */
import { afterEach, describe, expect, it } from 'vitest';
import { spinner, terminal } from '../../src/cli/terminal.js';

const stream = (isTTY: boolean) => ({ isTTY }) as NodeJS.WriteStream;

describe('terminal manners', () => {
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  it('is plain when stdout is piped', () => {
    delete process.env.NO_COLOR;
    const t = terminal(stream(false), stream(false));
    expect(t.fancy).toBe(false);
    expect(t.color.bold('x')).toBe('x');
    expect(t.errorColor.red('x')).toBe('x');
  });

  it('colours a terminal unless NO_COLOR is set', () => {
    delete process.env.NO_COLOR;
    const t = terminal(stream(true), stream(true));
    expect(t.fancy).toBe(true);
    expect(t.color.bold('x')).not.toBe('x');
    process.env.NO_COLOR = '1';
    const plain = terminal(stream(true), stream(true));
    expect(plain.fancy).toBe(false);
    expect(plain.color.bold('x')).toBe('x');
  });

  it('spins only when fancy', () => {
    const s = spinner('working', terminal(stream(false), stream(false)));
    expect(() => s.succeed('done')).not.toThrow();
  });
});
