/**
 * The CSV of --reset-offsets --export and --from-file, as kafka-consumer-groups.sh writes and reads
 * it: `topic,partition,offset` per line when the command names one --group, else
 * `group,topic,partition,offset`. Fields holding a comma or a quote are quoted, CSV style.
 */
import type { PlannedOffset } from './reset-plan.js';
import { UsageError } from './options.js';

const quote = (field: string): string => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);

/** The plan as Kafka's export prints it (each line ending in a newline). */
export function exportPlan(planned: ReadonlyMap<string, readonly PlannedOffset[]>, singleGroup: boolean): string {
  let out = '';
  for (const [group, offsets] of planned) {
    for (const o of offsets) {
      const fields = [o.topic, String(o.partition), String(o.offset)];
      out += (singleGroup ? fields : [group, ...fields]).map(quote).join(',') + '\n';
    }
  }
  return out;
}

/** One CSV line's fields (quoted fields may hold commas and doubled quotes). */
function fieldsOf(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('an unterminated quote');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new Error('text after a closing quote');
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/**
 * Group -> planned offsets from a --from-file CSV. With exactly one --group, lines of three fields
 * belong to it (Kafka's "old" format, tried on the first line); otherwise every line names its group.
 */
export function parsePlanFile(csv: string, groups: readonly string[]): Map<string, PlannedOffset[]> {
  const lines = csv.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rows = lines.map((line, n) => {
    try {
      return fieldsOf(line);
    } catch (err) {
      throw new UsageError(`Invalid reset plan line ${n + 1} ('${line}'): ${(err as Error).message}`);
    }
  });
  const withoutGroup = groups.length === 1 && rows[0]?.length === 3;
  const plan = new Map<string, PlannedOffset[]>();
  rows.forEach((row, n) => {
    const wanted = withoutGroup ? 'topic,partition,offset' : 'group,topic,partition,offset';
    const bad = (why: string) => new UsageError(`Invalid reset plan line ${n + 1} ('${lines[n]}'): ${why}; expected ${wanted}`);
    if (row.length !== (withoutGroup ? 3 : 4)) throw bad(`${row.length} field(s)`);
    const [group, topic, partition, offset] = withoutGroup ? [groups[0]!, ...row] : row;
    if (!/^\d+$/.test(partition!) || !Number.isSafeInteger(Number(partition))) throw bad(`partition '${partition}' is not a number`);
    if (!/^-?\d+$/.test(offset!) || !Number.isSafeInteger(Number(offset))) throw bad(`offset '${offset}' is not a number`);
    const forGroup = plan.get(group!) ?? [];
    forGroup.push({ topic: topic!, partition: Number(partition), offset: Number(offset) });
    plan.set(group!, forGroup);
  });
  return plan;
}
