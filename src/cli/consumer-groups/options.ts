/**
 * kafka-consumer-groups.sh's option rules (ConsumerGroupCommandOptions.checkArgs and the option
 * parser's availableIf), in the order Kafka checks them and with its messages. A broken rule is a
 * usage error: one line, exit status 1.
 */

/** A mistake in the arguments (Kafka's IllegalArgumentException): reported as is, exit status 1. */
export class UsageError extends Error {}

export const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const;
export type Action = (typeof ACTIONS)[number];

export const RESET_SCENARIOS = ['to-offset', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'shift-by', 'from-file'] as const;

/** Flags that take an optional value in Kafka (--state, --state stable,empty); oclif needs "--state=". */
const OPTIONAL_VALUE = new Set(['--state', '--type']);

/** Rewrite a bare optional-value flag as "--flag=" so oclif reads it as present with an empty value. */
export function withOptionalValues(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const next = argv[i + 1];
    return OPTIONAL_VALUE.has(arg) && (next === undefined || next.startsWith('-')) ? `${arg}=` : arg;
  });
}

/** Just what the checks need: which flags were given and a few values. */
export type GivenFlags = Partial<Record<string, unknown>>;

/** The first rule the flags break, as Kafka words it; undefined when they are fine. */
export function usageError(flags: GivenFlags): string | undefined {
  const has = (name: string) => flags[name] !== undefined && flags[name] !== false;
  const opt = (name: string) => `[${name}]`;

  // The parser's availableIf rules come first: joptsimple checks them while parsing.
  const unavailable = [
    ...['members', 'verbose', 'offsets'].filter((o) => has(o) && !has('describe')),
    ...(has('state') && !has('describe') && !has('list') ? ['state'] : []),
    ...(has('type') && !has('list') ? ['type'] : []),
    ...(has('export') && !has('reset-offsets') ? ['export'] : []),
  ];
  if (unavailable.length > 0) return `Option(s) [${unavailable.join(', ')}] are unavailable given other options on the command line`;

  const groupScope = `${opt('group')}, ${opt('all-groups')}`;
  if (has('describe')) {
    if (!has('group') && !has('all-groups')) return `Option ${opt('describe')} takes one of these options: ${groupScope}`;
    const views = ['members', 'offsets', 'state'];
    if (views.filter(has).length > 1) return `Option ${opt('describe')} takes at most one of these options: ${views.map(opt).join(', ')}`;
    if (has('state') && flags.state !== '') return `Option ${opt('describe')} does not take a value for ${opt('state')}`;
  }
  if (has('delete')) {
    if (!has('group') && !has('all-groups')) return `Option ${opt('delete')} takes one of these options: ${groupScope}`;
    if (has('topic')) return 'The consumer does not support topic-specific offset deletion from a consumer group.';
  }
  if (has('delete-offsets') && (!has('group') || !has('topic'))) {
    return `Option ${opt('delete-offsets')} takes the following options: ${opt('topic')}, ${opt('group')}`;
  }
  if (has('reset-offsets')) {
    if (has('dry-run') && has('execute')) return `Option ${opt('reset-offsets')} only accepts one of ${opt('execute')} and ${opt('dry-run')}`;
    if (!has('group') && !has('all-groups')) return `Option ${opt('reset-offsets')} takes one of these options: ${groupScope}`;
    for (const used of RESET_SCENARIOS.filter(has)) {
      const other = RESET_SCENARIOS.find((s) => s !== used && has(s));
      if (other) return `Option "${opt(used)}" can't be used with option "${opt(other)}"`;
    }
    // Kafka finds these two only after describing the group; nothing is lost by saying so first.
    if (!RESET_SCENARIOS.some(has)) {
      return `Option '${opt('reset-offsets')}' requires one of the following scenarios: [${RESET_SCENARIOS.map(opt).join(', ')}]`;
    }
    // A plan from a file names its own partitions.
    if (!has('all-topics') && !has('topic') && !has('from-file')) return 'One of the reset scopes should be defined: --all-topics, --topic.';
  }
  if (has('group') && has('all-groups')) return `Option "${opt('group')}" can't be used with option "${opt('all-groups')}"`;
  if (has('group') && has('list')) return `Option "${opt('group')}" can't be used with option "${opt('list')}"`;
  for (const action of ['list', 'describe']) {
    if (has('topic') && has(action)) return `Option "${opt('topic')}" can't be used with option "${opt(action)}"`;
  }
  // Kafka counts the actions last, once the options themselves passed.
  if (ACTIONS.filter(has).length !== 1) return `Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`;
  return undefined;
}

/** Kafka's GroupState names, in the case Kafka prints them. */
const CONSUMER_GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];
const GROUP_TYPES = ['Classic', 'Consumer'];

/** --state's value for --list: Kafka's state names, matched case-insensitively. */
export function parseStates(input: string): string[] {
  return parseNames(input, CONSUMER_GROUP_STATES, `Invalid state list '${input}'. Valid states are: ${CONSUMER_GROUP_STATES.join(', ')}`);
}

/** --type's value for --list: classic and/or consumer, sent lower-case as ListGroups v5 has them. */
export function parseTypes(input: string): string[] {
  return parseNames(input, GROUP_TYPES, `Invalid types list '${input}'. Valid types are: ${GROUP_TYPES.join(', ')}`).map((t) => t.toLowerCase());
}

function parseNames(input: string, valid: readonly string[], message: string): string[] {
  if (input === '') return [];
  return [
    ...new Set(
      input.split(',').map((s) => {
        const name = valid.find((v) => v.toLowerCase() === s.trim().toLowerCase());
        if (!name) throw new UsageError(message);
        return name;
      }),
    ),
  ];
}
