/**
 * Every KRaft metadata record type (the __cluster_metadata log), by record type (apiKey).
 *
 * Record type apiKeys 6, 13 and 16 are unused upstream.
 */
import type { MessageSpec } from '../schema.js';
import { RegisterBrokerRecord } from './register-broker-record.js';
import { UnregisterBrokerRecord } from './unregister-broker-record.js';
import { TopicRecord } from './topic-record.js';
import { PartitionRecord } from './partition-record.js';
import { ConfigRecord } from './config-record.js';
import { PartitionChangeRecord } from './partition-change-record.js';
import { FenceBrokerRecord } from './fence-broker-record.js';
import { UnfenceBrokerRecord } from './unfence-broker-record.js';
import { RemoveTopicRecord } from './remove-topic-record.js';
import { DelegationTokenRecord } from './delegation-token-record.js';
import { UserScramCredentialRecord } from './user-scram-credential-record.js';
import { FeatureLevelRecord } from './feature-level-record.js';
import { ClientQuotaRecord } from './client-quota-record.js';
import { ProducerIdsRecord } from './producer-ids-record.js';
import { BrokerRegistrationChangeRecord } from './broker-registration-change-record.js';
import { AccessControlEntryRecord } from './access-control-entry-record.js';
import { RemoveAccessControlEntryRecord } from './remove-access-control-entry-record.js';
import { NoOpRecord } from './no-op-record.js';
import { ZkMigrationStateRecord } from './zk-migration-state-record.js';
import { RemoveUserScramCredentialRecord } from './remove-user-scram-credential-record.js';
import { BeginTransactionRecord } from './begin-transaction-record.js';
import { EndTransactionRecord } from './end-transaction-record.js';
import { AbortTransactionRecord } from './abort-transaction-record.js';
import { RemoveDelegationTokenRecord } from './remove-delegation-token-record.js';
import { RegisterControllerRecord } from './register-controller-record.js';

export const ALL_METADATA_RECORDS: ReadonlyArray<MessageSpec> = [
  RegisterBrokerRecord,
  UnregisterBrokerRecord,
  TopicRecord,
  PartitionRecord,
  ConfigRecord,
  PartitionChangeRecord,
  FenceBrokerRecord,
  UnfenceBrokerRecord,
  RemoveTopicRecord,
  DelegationTokenRecord,
  UserScramCredentialRecord,
  FeatureLevelRecord,
  ClientQuotaRecord,
  ProducerIdsRecord,
  BrokerRegistrationChangeRecord,
  AccessControlEntryRecord,
  RemoveAccessControlEntryRecord,
  NoOpRecord,
  ZkMigrationStateRecord,
  RemoveUserScramCredentialRecord,
  BeginTransactionRecord,
  EndTransactionRecord,
  AbortTransactionRecord,
  RemoveDelegationTokenRecord,
  RegisterControllerRecord,
];

const BY_KEY: ReadonlyMap<number, MessageSpec> = new Map(ALL_METADATA_RECORDS.map((spec) => [spec.apiKey!, spec]));

/** The metadata record declaration for a record type, or undefined if unknown. */
export function metadataRecordByApiKey(apiKey: number): MessageSpec | undefined {
  return BY_KEY.get(apiKey);
}

export { RegisterBrokerRecord } from './register-broker-record.js';
export { UnregisterBrokerRecord } from './unregister-broker-record.js';
export { TopicRecord } from './topic-record.js';
export { PartitionRecord } from './partition-record.js';
export { ConfigRecord } from './config-record.js';
export { PartitionChangeRecord } from './partition-change-record.js';
export { FenceBrokerRecord } from './fence-broker-record.js';
export { UnfenceBrokerRecord } from './unfence-broker-record.js';
export { RemoveTopicRecord } from './remove-topic-record.js';
export { DelegationTokenRecord } from './delegation-token-record.js';
export { UserScramCredentialRecord } from './user-scram-credential-record.js';
export { FeatureLevelRecord } from './feature-level-record.js';
export { ClientQuotaRecord } from './client-quota-record.js';
export { ProducerIdsRecord } from './producer-ids-record.js';
export { BrokerRegistrationChangeRecord } from './broker-registration-change-record.js';
export { AccessControlEntryRecord } from './access-control-entry-record.js';
export { RemoveAccessControlEntryRecord } from './remove-access-control-entry-record.js';
export { NoOpRecord } from './no-op-record.js';
export { ZkMigrationStateRecord } from './zk-migration-state-record.js';
export { RemoveUserScramCredentialRecord } from './remove-user-scram-credential-record.js';
export { BeginTransactionRecord } from './begin-transaction-record.js';
export { EndTransactionRecord } from './end-transaction-record.js';
export { AbortTransactionRecord } from './abort-transaction-record.js';
export { RemoveDelegationTokenRecord } from './remove-delegation-token-record.js';
export { RegisterControllerRecord } from './register-controller-record.js';
