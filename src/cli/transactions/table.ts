/**
 * kafka-transactions.sh's tables (TransactionsCommand.prettyPrintTable): every column padded to its
 * widest value or header, each cell followed by a tab, the last one too. At a terminal they are
 * cli-table3 boxes instead, like kt's other tools; piped output keeps Kafka's form for scripts.
 */
import Table from 'cli-table3';
import type { Terminal } from '../terminal.js';

export function transactionsTable(headers: readonly string[], rows: readonly string[][], term: Terminal): string[] {
  if (term.fancy) {
    const table = new Table({ head: headers.map((h) => term.color.bold(h)), style: { head: [], border: [] } });
    table.push(...rows.map((r) => [...r]));
    return table.toString().split('\n');
  }
  const widths = headers.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]) => cells.map((cell, i) => `${cell.padEnd(widths[i]!)}\t`).join('');
  return [line(headers), ...rows.map(line)];
}
