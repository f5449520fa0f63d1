/**
 * What kt refuses to start with. kt serves PLAINTEXT with no authentication and no authorization,
 * so a setting that asks for TLS, SASL, ACLs or a principal mapping cannot be honoured. Kafka would
 * enforce it; carrying on with a warning would leave a user believing their broker is protected
 * while it is open to anyone. Keys that only tune something kt lacks (e.g. a ZooKeeper TLS key,
 * connections.max.reauth.ms) change nobody's access, so they stay unknown-key warnings as in Kafka.
 */

/** Prefixes of Kafka server keys that configure TLS, SASL, or per-listener security. */
const REFUSED_PREFIXES = ['ssl.', 'sasl.', 'listener.name.'];

/** Keys that change who may connect (principals, tokens) or what they may do (ACLs). */
const REFUSED_KEYS = new Set([
  'authorizer.class.name',
  'super.users',
  'allow.everyone.if.no.acl.found',
  'principal.builder.class',
  'delegation.token.secret.key',
  'delegation.token.master.key',
]);

/** Listener name -> security protocol, from a listener.security.protocol.map value. */
export function parseSecurityProtocolMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of text.split(',')) {
    const [name, protocol] = pair.split(':').map((s) => s.trim());
    if (name && protocol) out.set(name.toUpperCase(), protocol.toUpperCase());
  }
  return out;
}

export interface SecuritySettings {
  /** Every key given (properties file and overrides), raw. */
  given: ReadonlyMap<string, string>;
  /** The effective listener.security.protocol.map (given or default). */
  protocolMap: string;
  /** Names of listeners and advertised listeners. */
  listenerNames: readonly string[];
  /** controller.listener.names: Kafka defaults these to PLAINTEXT when unmapped. */
  controllerListenerNames: readonly string[];
}

/** Why kt cannot start with these settings, in one line; undefined when it can. */
export function unhonouredSecurity(s: SecuritySettings): string | undefined {
  const suffix = 'kt serves only PLAINTEXT, with no authentication or authorization';
  const map = parseSecurityProtocolMap(s.protocolMap);
  for (const name of new Set(s.listenerNames)) {
    const protocol = map.get(name) ?? (s.controllerListenerNames.includes(name) ? 'PLAINTEXT' : undefined);
    if (protocol === undefined) {
      return `Refusing to start: listener ${name} has no security protocol in listener.security.protocol.map (${s.protocolMap}).`;
    }
    if (protocol !== 'PLAINTEXT') {
      return `Refusing to start: listener ${name} uses security protocol ${protocol}, but ${suffix}.`;
    }
  }
  for (const key of s.given.keys()) {
    if (REFUSED_KEYS.has(key) || REFUSED_PREFIXES.some((p) => key.startsWith(p))) {
      return `Refusing to start: '${key}' is set, but ${suffix}; remove it to run kt unsecured.`;
    }
  }
  const interBroker = s.given.get('security.inter.broker.protocol');
  if (interBroker !== undefined && interBroker.trim().toUpperCase() !== 'PLAINTEXT') {
    return `Refusing to start: security.inter.broker.protocol=${interBroker.trim()}, but ${suffix}.`;
  }
  return undefined;
}
