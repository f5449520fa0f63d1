/**
 * kafka-console-consumer.sh's consumer properties (ConsoleConsumerOptions): the --consumer.config
 * file, then --consumer-property, then what the options imply. The group id may come from --group,
 * the file or a property, but must be the same wherever it is given; it cannot go with --partition.
 * Without one the tool makes up `console-consumer-<0..99999>` and, since that group is never meant
 * to be used again, turns auto commit off unless told otherwise (so the coordinator keeps no offsets
 * for it).
 */
import { readFileSync } from 'node:fs';
import { parseIsolationLevel } from '../engine/client/consumer-config.js';
import { parseProperties } from '../engine/config/properties.js';
import { propertyMap } from './properties.js';

export interface ConsoleConsumerPropsInput {
  group?: string;
  partition?: number;
  fromBeginning: boolean;
  consumerProperties?: string[];
  consumerConfigFile?: string;
  isolationLevel?: string;
}

export interface ConsoleConsumerProps {
  props: Map<string, string>;
  /** The group id was given (not made up): the tool joins it and commits. */
  groupGiven: boolean;
}

export function consoleConsumerProps(input: ConsoleConsumerPropsInput): ConsoleConsumerProps {
  const fromFile = input.consumerConfigFile ? parseProperties(readFileSync(input.consumerConfigFile, 'utf8')) : new Map<string, string>();
  const extra = propertyMap(input.consumerProperties, '--consumer-property');
  const groups = new Set([input.group, fromFile.get('group.id'), extra.get('group.id')].filter((g): g is string => g !== undefined));
  if (groups.size > 1) {
    throw new Error(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. " +
        `Detected group ids: ${[...groups].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  if (groups.size > 0 && input.partition !== undefined) throw new Error('Options group and partition cannot be specified together.');

  const props = new Map([...fromFile, ...extra]);
  const reset = props.get('auto.offset.reset');
  if (reset === undefined) props.set('auto.offset.reset', input.fromBeginning ? 'earliest' : 'latest');
  else if (input.fromBeginning && reset !== 'earliest') {
    throw new Error(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`);
  }
  if (!props.has('client.id')) props.set('client.id', 'console-consumer');
  if (input.isolationLevel !== undefined) props.set('isolation.level', parseIsolationLevel(input.isolationLevel));
  if (groups.size === 0) {
    props.set('group.id', `console-consumer-${Math.floor(Math.random() * 100_000)}`);
    if (!props.has('enable.auto.commit')) props.set('enable.auto.commit', 'false');
  } else {
    props.set('group.id', [...groups][0]!);
  }
  return { props, groupGiven: groups.size > 0 };
}
