/**
 * kafka-console-consumer.sh's DefaultMessageFormatter: which parts of a record to print and with
 * which separators, byte for byte (keys and values are written as raw bytes, as Kafka does):
 *   [CreateTime:ts<sep>][Partition:p<sep>][Offset:o<sep>][h1:v1,h2:v2<sep>][key<sep>]value<line.separator>
 */
import type { ConsumerRecord } from '../engine/client/fetch-records.js';
import { boolProperty } from './properties.js';

export interface FormatterConfig {
  printTimestamp: boolean;
  printKey: boolean;
  printValue: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  keySeparator: string;
  lineSeparator: string;
  headersSeparator: string;
  nullLiteral: string;
}

export function formatterConfig(props: ReadonlyMap<string, string>): FormatterConfig {
  return {
    printTimestamp: boolProperty(props, 'print.timestamp'),
    printKey: boolProperty(props, 'print.key'),
    printValue: boolProperty(props, 'print.value', true),
    printPartition: boolProperty(props, 'print.partition'),
    printOffset: boolProperty(props, 'print.offset'),
    printHeaders: boolProperty(props, 'print.headers'),
    keySeparator: props.get('key.separator') ?? '\t',
    lineSeparator: props.get('line.separator') ?? '\n',
    headersSeparator: props.get('headers.separator') ?? ',',
    nullLiteral: props.get('null.literal') ?? 'null',
  };
}

export class MessageFormatter {
  private readonly keySep: Buffer;
  private readonly lineSep: Buffer;
  private readonly headersSep: Buffer;
  private readonly nullLiteral: Buffer;

  constructor(private readonly c: FormatterConfig) {
    this.keySep = Buffer.from(c.keySeparator);
    this.lineSep = Buffer.from(c.lineSeparator);
    this.headersSep = Buffer.from(c.headersSeparator);
    this.nullLiteral = Buffer.from(c.nullLiteral);
  }

  /** Append the record's output to `out`. */
  writeTo(r: ConsumerRecord, out: Buffer[]): void {
    const c = this.c;
    const sep = (more: boolean) => out.push(more ? this.keySep : this.lineSep);
    if (c.printTimestamp) {
      out.push(Buffer.from(`${r.timestampType}:${r.timestamp}`));
      sep(c.printPartition || c.printOffset || c.printHeaders || c.printKey || c.printValue);
    }
    if (c.printPartition) {
      out.push(Buffer.from(`Partition:${r.partition}`));
      sep(c.printOffset || c.printHeaders || c.printKey || c.printValue);
    }
    if (c.printOffset) {
      out.push(Buffer.from(`Offset:${r.offset}`));
      sep(c.printHeaders || c.printKey || c.printValue);
    }
    if (c.printHeaders) {
      if (r.headers.length === 0) out.push(Buffer.from('NO_HEADERS'));
      r.headers.forEach((h, i) => {
        out.push(Buffer.from(`${h.key}:`), h.value ?? this.nullLiteral);
        if (i < r.headers.length - 1) out.push(this.headersSep);
      });
      sep(c.printKey || c.printValue);
    }
    if (c.printKey) {
      out.push(r.key ?? this.nullLiteral);
      sep(c.printValue);
    }
    if (c.printValue) {
      out.push(r.value ?? this.nullLiteral, this.lineSep);
    }
  }

  format(r: ConsumerRecord): Buffer {
    const out: Buffer[] = [];
    this.writeTo(r, out);
    return Buffer.concat(out);
  }
}
