/**
 * Errors kt's client raises. Broker error codes become KafkaError (the same class handlers throw),
 * carrying Kafka's name and message so a CLI can print one line a user recognises.
 */
import { ERRORS_BY_CODE, errorMessage, errorName } from '../protocol/error-table.js';
import { KafkaError } from '../protocol/errors.js';
import { ConnectionError } from './broker-connection.js';

export { ConnectionError, KafkaError };

/** A request or operation that did not finish in time (Kafka's TimeoutException). */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** A client configuration value Kafka would refuse (Kafka's ConfigException). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The broker does not speak any version of an API the client needs. */
export class UnsupportedVersionError extends Error {
  override name = 'UnsupportedVersionError';
}

/**
 * A KafkaError for `code`. The broker's own message wins when it sent one (it names the topic and
 * the reason); otherwise Kafka's default text for the code.
 */
export function kafkaError(code: number, brokerMessage?: string | null, context?: string): KafkaError {
  const text = brokerMessage || errorMessage(code);
  const err = new KafkaError(code, context ? `${context}: ${text}` : text);
  err.name = errorName(code);
  return err;
}

export function isRetriable(code: number): boolean {
  return ERRORS_BY_CODE.get(code)?.retriable ?? false;
}

/** Errors worth another attempt after a metadata refresh: lost connections, timeouts, retriable codes. */
export function isRetriableError(err: unknown): boolean {
  if (err instanceof ConnectionError || err instanceof TimeoutError) return true;
  return err instanceof KafkaError && isRetriable(err.code);
}
