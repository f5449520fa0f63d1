/**
 * kt serves PLAINTEXT with no authentication or authorization, so `kt server-start` refuses, in one
 * line with exit status 1, any setting that asks for TLS, SASL or ACLs: starting anyway would leave
 * the user believing the broker is protected. Other unknown keys stay warnings, as in Kafka.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unhonouredSecurity } from '../../src/engine/config/security-refusal.js';
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import { kt } from '../cli/cli.js';
import { spawnKt } from '../helpers/kt-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kt-security-refusal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A refused start: exit 1, exactly one line on stderr naming the reason, no stack trace. */
async function expectRefused(args: string[], reason: RegExp): Promise<void> {
  const res = await kt(['server-start', ...args, '--override', `log.dirs=${join(dir, 'never-written')}`], { timeoutMs: 20_000 });
  expect(res.code, res.stderr).toBe(1);
  expect(res.stderr).toMatch(/^Error: Refusing to start: [^\n]+\n$/);
  expect(res.stderr).toMatch(reason);
  expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
  expect(res.stdout).not.toMatch(/started/);
}

describe('kt server-start refuses security it cannot honour', () => {
  it('refuses a SASL_SSL listener with SCRAM configured in a properties file (the issue 9 scenario)', async () => {
    const file = join(dir, 'sasl.properties');
    writeFileSync(file, 'listeners=SASL_SSL://127.0.0.1:29092\nsasl.enabled.mechanisms=SCRAM-SHA-512\n');
    await expectRefused([file], /listener SASL_SSL uses security protocol SASL_SSL/);
  });

  it('refuses TLS keys and an authorizer even on a PLAINTEXT listener', async () => {
    const plaintext = ['--override', 'listeners=PLAINTEXT://127.0.0.1:0'];
    await expectRefused([...plaintext, '--override', 'ssl.keystore.location=/etc/kafka/server.jks'], /'ssl\.keystore\.location' is set/);
    await expectRefused(
      [...plaintext, '--override', 'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
      /'authorizer\.class\.name' is set/,
    );
  });

  it('still only warns about an unknown key that changes nobody\'s access', async () => {
    const server = await spawnKt(join(dir, 'warned'), ['--override', 'some.plugin.setting=42']);
    try {
      expect(server.output()).toMatch(/WARN.*The configuration 'some\.plugin\.setting' was supplied but isn't a known config\./);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('which settings are refused', () => {
  const check = (given: Record<string, string>) => new BrokerConfig(new Map(Object.entries(given))).securityRefusal();

  it('follows listener.security.protocol.map, not the listener name', () => {
    expect(check({ listeners: 'SSL://127.0.0.1:0' })).toMatch(/listener SSL uses security protocol SSL/);
    expect(check({ listeners: 'CLIENT://127.0.0.1:0', 'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT' })).toMatch(
      /listener CLIENT uses security protocol SASL_PLAINTEXT/,
    );
    expect(check({ listeners: 'SASL_SSL://127.0.0.1:0,CONTROLLER://127.0.0.1:0', 'listener.security.protocol.map': 'SASL_SSL:PLAINTEXT' })).toBeUndefined();
    expect(check({ listeners: 'PLAINTEXT://127.0.0.1:0', 'advertised.listeners': 'SSL://example.com:9093' })).toMatch(/listener SSL/);
    expect(check({ listeners: 'CLIENT://127.0.0.1:0' })).toMatch(/listener CLIENT has no security protocol/);
  });

  it('refuses keys that change who may connect or what they may do, and nothing else', () => {
    for (const key of ['sasl.jaas.config', 'listener.name.plaintext.plain.sasl.jaas.config', 'super.users', 'principal.builder.class', 'allow.everyone.if.no.acl.found', 'delegation.token.secret.key', 'ssl.client.auth']) {
      expect(check({ [key]: 'x' }), key).toMatch(new RegExp(`'${key.replace(/\./g, '\\.')}' is set`));
    }
    expect(check({ 'security.inter.broker.protocol': 'SASL_SSL' })).toMatch(/security\.inter\.broker\.protocol=SASL_SSL/);
    expect(check({ 'security.inter.broker.protocol': 'PLAINTEXT', 'connections.max.reauth.ms': '0', 'zookeeper.ssl.client.enable': 'false' })).toBeUndefined();
    expect(
      unhonouredSecurity({ given: new Map(), protocolMap: 'PLAINTEXT:PLAINTEXT', listenerNames: ['PLAINTEXT', 'CONTROLLER'], controllerListenerNames: ['CONTROLLER'] }),
    ).toBeUndefined();
  });
});
