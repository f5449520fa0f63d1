/**
 * The tables kafka-consumer-groups.sh prints. Piped, they are Kafka's printf columns: each column
 * left-aligned in a width Kafka fixes (some grow to fit their longest value), one space between
 * columns, the last one unpadded, and a blank line before each table. At a terminal they are
 * cli-table3 boxes instead, which are easier to read and not meant to be parsed.
 */
import Table from 'cli-table3';
import type { Terminal } from '../terminal.js';

export interface Column {
  header: string;
  /** Kafka's width for the column (values longer than it push the rest of the row right). */
  width: number;
  /** Kafka widens these columns to their longest value, so they stay aligned. */
  grows?: boolean;
}

/** Kafka's "-" for a value that is not known (no committed offset, no member). */
export const MISSING = '-';

/** The width Kafka gives a growing column: at least `min`, else its longest value. */
export function widest(values: readonly string[], min = 15): number {
  return values.reduce((w, v) => Math.max(w, v.length), min);
}

/** The table's lines, without the blank line Kafka puts before it. */
export function tableLines(columns: readonly Column[], rows: readonly string[][], term: Terminal): string[] {
  if (term.fancy) return boxed(columns, rows, term);
  const widths = columns.map((c, i) => (c.grows ? widest(rows.map((r) => r[i] ?? ''), c.width) : c.width));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join(' ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

function boxed(columns: readonly Column[], rows: readonly string[][], term: Terminal): string[] {
  // cli-table3 colours through its own dependency; chalk already knows whether colour is wanted.
  const table = new Table({ head: columns.map((c) => term.color.bold(c.header)), style: { head: [], border: [] } });
  table.push(...rows.map((r) => [...r]));
  return table.toString().split('\n');
}
