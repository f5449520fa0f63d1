/**
 * What every kt tool shares: Kafka's --bootstrap-server, a bound on how long to wait for a broker,
 * and errors as one line on stderr with exit status 1 (never a stack trace, never oclif's usage
 * dump, never a message wrapped across lines).
 */
import { Command, Errors, Flags } from '@oclif/core';
import { DEFAULT_BOOTSTRAP } from '../engine/client/bootstrap.js';
import { terminal } from './terminal.js';

export const bootstrapFlag = (required = false) =>
  Flags.string({
    description: 'The Kafka server(s) to connect to: host:port[,host:port...]',
    helpValue: '<host:port>',
    ...(required ? {} : { default: DEFAULT_BOOTSTRAP }),
  });

export const connectTimeoutFlag = () =>
  Flags.integer({
    description: 'Give up when no broker can be reached within this many milliseconds',
    default: 10_000,
    min: 1,
    helpValue: '<ms>',
  });

/** The message of any error, flattened to one line (oclif's parse errors add a help hint line). */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && l !== 'See more help with --help')
    .join('; ');
}

export abstract class KtCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number }): Promise<never> {
    if (err instanceof Errors.ExitError) throw err;
    if (process.env.KT_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    const label = terminal().errorColor.red('Error:');
    process.stderr.write(`${label} ${oneLine(err)}\n`);
    return this.exit(1);
  }
}
