/**
 * Every request/response pair kt declares, by API key.
 *
 * Declared from the Apache Kafka message definitions (APIs served by KRaft brokers or controllers;
 * ZooKeeper-only inter-broker APIs are left out). APIs whose only upstream version is still marked
 * latestVersionUnstable are declared with validVersions 'none' and must not be advertised.
 */
import type { MessageSpec } from '../schema.js';
import { ProduceRequest, ProduceResponse } from './00-produce.js';
import { FetchRequest, FetchResponse } from './01-fetch.js';
import { ListOffsetsRequest, ListOffsetsResponse } from './02-list-offsets.js';
import { MetadataRequest, MetadataResponse } from './03-metadata.js';
import { ControlledShutdownRequest, ControlledShutdownResponse } from './07-controlled-shutdown.js';
import { OffsetCommitRequest, OffsetCommitResponse } from './08-offset-commit.js';
import { OffsetFetchRequest, OffsetFetchResponse } from './09-offset-fetch.js';
import { FindCoordinatorRequest, FindCoordinatorResponse } from './10-find-coordinator.js';
import { JoinGroupRequest, JoinGroupResponse } from './11-join-group.js';
import { HeartbeatRequest, HeartbeatResponse } from './12-heartbeat.js';
import { LeaveGroupRequest, LeaveGroupResponse } from './13-leave-group.js';
import { SyncGroupRequest, SyncGroupResponse } from './14-sync-group.js';
import { DescribeGroupsRequest, DescribeGroupsResponse } from './15-describe-groups.js';
import { ListGroupsRequest, ListGroupsResponse } from './16-list-groups.js';
import { SaslHandshakeRequest, SaslHandshakeResponse } from './17-sasl-handshake.js';
import { ApiVersionsRequest, ApiVersionsResponse } from './18-api-versions.js';
import { CreateTopicsRequest, CreateTopicsResponse } from './19-create-topics.js';
import { DeleteTopicsRequest, DeleteTopicsResponse } from './20-delete-topics.js';
import { DeleteRecordsRequest, DeleteRecordsResponse } from './21-delete-records.js';
import { InitProducerIdRequest, InitProducerIdResponse } from './22-init-producer-id.js';
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './23-offset-for-leader-epoch.js';
import { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './24-add-partitions-to-txn.js';
import { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './25-add-offsets-to-txn.js';
import { EndTxnRequest, EndTxnResponse } from './26-end-txn.js';
import { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from './27-write-txn-markers.js';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './28-txn-offset-commit.js';
import { DescribeAclsRequest, DescribeAclsResponse } from './29-describe-acls.js';
import { CreateAclsRequest, CreateAclsResponse } from './30-create-acls.js';
import { DeleteAclsRequest, DeleteAclsResponse } from './31-delete-acls.js';
import { DescribeConfigsRequest, DescribeConfigsResponse } from './32-describe-configs.js';
import { AlterConfigsRequest, AlterConfigsResponse } from './33-alter-configs.js';
import { AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse } from './34-alter-replica-log-dirs.js';
import { DescribeLogDirsRequest, DescribeLogDirsResponse } from './35-describe-log-dirs.js';
import { SaslAuthenticateRequest, SaslAuthenticateResponse } from './36-sasl-authenticate.js';
import { CreatePartitionsRequest, CreatePartitionsResponse } from './37-create-partitions.js';
import { CreateDelegationTokenRequest, CreateDelegationTokenResponse } from './38-create-delegation-token.js';
import { RenewDelegationTokenRequest, RenewDelegationTokenResponse } from './39-renew-delegation-token.js';
import { ExpireDelegationTokenRequest, ExpireDelegationTokenResponse } from './40-expire-delegation-token.js';
import { DescribeDelegationTokenRequest, DescribeDelegationTokenResponse } from './41-describe-delegation-token.js';
import { DeleteGroupsRequest, DeleteGroupsResponse } from './42-delete-groups.js';
import { ElectLeadersRequest, ElectLeadersResponse } from './43-elect-leaders.js';
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './44-incremental-alter-configs.js';
import {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
} from './45-alter-partition-reassignments.js';
import {
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from './46-list-partition-reassignments.js';
import { OffsetDeleteRequest, OffsetDeleteResponse } from './47-offset-delete.js';
import { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from './48-describe-client-quotas.js';
import { AlterClientQuotasRequest, AlterClientQuotasResponse } from './49-alter-client-quotas.js';
import {
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
} from './50-describe-user-scram-credentials.js';
import {
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
} from './51-alter-user-scram-credentials.js';
import { VoteRequest, VoteResponse } from './52-vote.js';
import { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from './53-begin-quorum-epoch.js';
import { EndQuorumEpochRequest, EndQuorumEpochResponse } from './54-end-quorum-epoch.js';
import { DescribeQuorumRequest, DescribeQuorumResponse } from './55-describe-quorum.js';
import { AlterPartitionRequest, AlterPartitionResponse } from './56-alter-partition.js';
import { UpdateFeaturesRequest, UpdateFeaturesResponse } from './57-update-features.js';
import { EnvelopeRequest, EnvelopeResponse } from './58-envelope.js';
import { FetchSnapshotRequest, FetchSnapshotResponse } from './59-fetch-snapshot.js';
import { DescribeClusterRequest, DescribeClusterResponse } from './60-describe-cluster.js';
import { DescribeProducersRequest, DescribeProducersResponse } from './61-describe-producers.js';
import { BrokerRegistrationRequest, BrokerRegistrationResponse } from './62-broker-registration.js';
import { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from './63-broker-heartbeat.js';
import { UnregisterBrokerRequest, UnregisterBrokerResponse } from './64-unregister-broker.js';
import { DescribeTransactionsRequest, DescribeTransactionsResponse } from './65-describe-transactions.js';
import { ListTransactionsRequest, ListTransactionsResponse } from './66-list-transactions.js';
import { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from './67-allocate-producer-ids.js';
import { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './68-consumer-group-heartbeat.js';
import { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from './69-consumer-group-describe.js';
import { ControllerRegistrationRequest, ControllerRegistrationResponse } from './70-controller-registration.js';
import {
  GetTelemetrySubscriptionsRequest,
  GetTelemetrySubscriptionsResponse,
} from './71-get-telemetry-subscriptions.js';
import { PushTelemetryRequest, PushTelemetryResponse } from './72-push-telemetry.js';
import { AssignReplicasToDirsRequest, AssignReplicasToDirsResponse } from './73-assign-replicas-to-dirs.js';
import {
  ListClientMetricsResourcesRequest,
  ListClientMetricsResourcesResponse,
} from './74-list-client-metrics-resources.js';
import { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from './75-describe-topic-partitions.js';
import { ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse } from './76-share-group-heartbeat.js';
import { ShareGroupDescribeRequest, ShareGroupDescribeResponse } from './77-share-group-describe.js';
import { ShareFetchRequest, ShareFetchResponse } from './78-share-fetch.js';
import { ShareAcknowledgeRequest, ShareAcknowledgeResponse } from './79-share-acknowledge.js';
import { AddRaftVoterRequest, AddRaftVoterResponse } from './80-add-raft-voter.js';
import { RemoveRaftVoterRequest, RemoveRaftVoterResponse } from './81-remove-raft-voter.js';
import { UpdateRaftVoterRequest, UpdateRaftVoterResponse } from './82-update-raft-voter.js';
import {
  InitializeShareGroupStateRequest,
  InitializeShareGroupStateResponse,
} from './83-initialize-share-group-state.js';
import { ReadShareGroupStateRequest, ReadShareGroupStateResponse } from './84-read-share-group-state.js';
import { WriteShareGroupStateRequest, WriteShareGroupStateResponse } from './85-write-share-group-state.js';
import { DeleteShareGroupStateRequest, DeleteShareGroupStateResponse } from './86-delete-share-group-state.js';
import {
  ReadShareGroupStateSummaryRequest,
  ReadShareGroupStateSummaryResponse,
} from './87-read-share-group-state-summary.js';

export interface ApiDeclaration {
  apiKey: number;
  name: string;
  request: MessageSpec;
  response: MessageSpec;
}

export const ALL_APIS = [
  { apiKey: 0, name: 'Produce', request: ProduceRequest, response: ProduceResponse },
  { apiKey: 1, name: 'Fetch', request: FetchRequest, response: FetchResponse },
  { apiKey: 2, name: 'ListOffsets', request: ListOffsetsRequest, response: ListOffsetsResponse },
  { apiKey: 3, name: 'Metadata', request: MetadataRequest, response: MetadataResponse },
  { apiKey: 7, name: 'ControlledShutdown', request: ControlledShutdownRequest, response: ControlledShutdownResponse },
  { apiKey: 8, name: 'OffsetCommit', request: OffsetCommitRequest, response: OffsetCommitResponse },
  { apiKey: 9, name: 'OffsetFetch', request: OffsetFetchRequest, response: OffsetFetchResponse },
  { apiKey: 10, name: 'FindCoordinator', request: FindCoordinatorRequest, response: FindCoordinatorResponse },
  { apiKey: 11, name: 'JoinGroup', request: JoinGroupRequest, response: JoinGroupResponse },
  { apiKey: 12, name: 'Heartbeat', request: HeartbeatRequest, response: HeartbeatResponse },
  { apiKey: 13, name: 'LeaveGroup', request: LeaveGroupRequest, response: LeaveGroupResponse },
  { apiKey: 14, name: 'SyncGroup', request: SyncGroupRequest, response: SyncGroupResponse },
  { apiKey: 15, name: 'DescribeGroups', request: DescribeGroupsRequest, response: DescribeGroupsResponse },
  { apiKey: 16, name: 'ListGroups', request: ListGroupsRequest, response: ListGroupsResponse },
  { apiKey: 17, name: 'SaslHandshake', request: SaslHandshakeRequest, response: SaslHandshakeResponse },
  { apiKey: 18, name: 'ApiVersions', request: ApiVersionsRequest, response: ApiVersionsResponse },
  { apiKey: 19, name: 'CreateTopics', request: CreateTopicsRequest, response: CreateTopicsResponse },
  { apiKey: 20, name: 'DeleteTopics', request: DeleteTopicsRequest, response: DeleteTopicsResponse },
  { apiKey: 21, name: 'DeleteRecords', request: DeleteRecordsRequest, response: DeleteRecordsResponse },
  { apiKey: 22, name: 'InitProducerId', request: InitProducerIdRequest, response: InitProducerIdResponse },
  {
    apiKey: 23,
    name: 'OffsetForLeaderEpoch',
    request: OffsetForLeaderEpochRequest,
    response: OffsetForLeaderEpochResponse,
  },
  { apiKey: 24, name: 'AddPartitionsToTxn', request: AddPartitionsToTxnRequest, response: AddPartitionsToTxnResponse },
  { apiKey: 25, name: 'AddOffsetsToTxn', request: AddOffsetsToTxnRequest, response: AddOffsetsToTxnResponse },
  { apiKey: 26, name: 'EndTxn', request: EndTxnRequest, response: EndTxnResponse },
  { apiKey: 27, name: 'WriteTxnMarkers', request: WriteTxnMarkersRequest, response: WriteTxnMarkersResponse },
  { apiKey: 28, name: 'TxnOffsetCommit', request: TxnOffsetCommitRequest, response: TxnOffsetCommitResponse },
  { apiKey: 29, name: 'DescribeAcls', request: DescribeAclsRequest, response: DescribeAclsResponse },
  { apiKey: 30, name: 'CreateAcls', request: CreateAclsRequest, response: CreateAclsResponse },
  { apiKey: 31, name: 'DeleteAcls', request: DeleteAclsRequest, response: DeleteAclsResponse },
  { apiKey: 32, name: 'DescribeConfigs', request: DescribeConfigsRequest, response: DescribeConfigsResponse },
  { apiKey: 33, name: 'AlterConfigs', request: AlterConfigsRequest, response: AlterConfigsResponse },
  {
    apiKey: 34,
    name: 'AlterReplicaLogDirs',
    request: AlterReplicaLogDirsRequest,
    response: AlterReplicaLogDirsResponse,
  },
  { apiKey: 35, name: 'DescribeLogDirs', request: DescribeLogDirsRequest, response: DescribeLogDirsResponse },
  { apiKey: 36, name: 'SaslAuthenticate', request: SaslAuthenticateRequest, response: SaslAuthenticateResponse },
  { apiKey: 37, name: 'CreatePartitions', request: CreatePartitionsRequest, response: CreatePartitionsResponse },
  {
    apiKey: 38,
    name: 'CreateDelegationToken',
    request: CreateDelegationTokenRequest,
    response: CreateDelegationTokenResponse,
  },
  {
    apiKey: 39,
    name: 'RenewDelegationToken',
    request: RenewDelegationTokenRequest,
    response: RenewDelegationTokenResponse,
  },
  {
    apiKey: 40,
    name: 'ExpireDelegationToken',
    request: ExpireDelegationTokenRequest,
    response: ExpireDelegationTokenResponse,
  },
  {
    apiKey: 41,
    name: 'DescribeDelegationToken',
    request: DescribeDelegationTokenRequest,
    response: DescribeDelegationTokenResponse,
  },
  { apiKey: 42, name: 'DeleteGroups', request: DeleteGroupsRequest, response: DeleteGroupsResponse },
  { apiKey: 43, name: 'ElectLeaders', request: ElectLeadersRequest, response: ElectLeadersResponse },
  {
    apiKey: 44,
    name: 'IncrementalAlterConfigs',
    request: IncrementalAlterConfigsRequest,
    response: IncrementalAlterConfigsResponse,
  },
  {
    apiKey: 45,
    name: 'AlterPartitionReassignments',
    request: AlterPartitionReassignmentsRequest,
    response: AlterPartitionReassignmentsResponse,
  },
  {
    apiKey: 46,
    name: 'ListPartitionReassignments',
    request: ListPartitionReassignmentsRequest,
    response: ListPartitionReassignmentsResponse,
  },
  { apiKey: 47, name: 'OffsetDelete', request: OffsetDeleteRequest, response: OffsetDeleteResponse },
  {
    apiKey: 48,
    name: 'DescribeClientQuotas',
    request: DescribeClientQuotasRequest,
    response: DescribeClientQuotasResponse,
  },
  { apiKey: 49, name: 'AlterClientQuotas', request: AlterClientQuotasRequest, response: AlterClientQuotasResponse },
  {
    apiKey: 50,
    name: 'DescribeUserScramCredentials',
    request: DescribeUserScramCredentialsRequest,
    response: DescribeUserScramCredentialsResponse,
  },
  {
    apiKey: 51,
    name: 'AlterUserScramCredentials',
    request: AlterUserScramCredentialsRequest,
    response: AlterUserScramCredentialsResponse,
  },
  { apiKey: 52, name: 'Vote', request: VoteRequest, response: VoteResponse },
  { apiKey: 53, name: 'BeginQuorumEpoch', request: BeginQuorumEpochRequest, response: BeginQuorumEpochResponse },
  { apiKey: 54, name: 'EndQuorumEpoch', request: EndQuorumEpochRequest, response: EndQuorumEpochResponse },
  { apiKey: 55, name: 'DescribeQuorum', request: DescribeQuorumRequest, response: DescribeQuorumResponse },
  { apiKey: 56, name: 'AlterPartition', request: AlterPartitionRequest, response: AlterPartitionResponse },
  { apiKey: 57, name: 'UpdateFeatures', request: UpdateFeaturesRequest, response: UpdateFeaturesResponse },
  { apiKey: 58, name: 'Envelope', request: EnvelopeRequest, response: EnvelopeResponse },
  { apiKey: 59, name: 'FetchSnapshot', request: FetchSnapshotRequest, response: FetchSnapshotResponse },
  { apiKey: 60, name: 'DescribeCluster', request: DescribeClusterRequest, response: DescribeClusterResponse },
  { apiKey: 61, name: 'DescribeProducers', request: DescribeProducersRequest, response: DescribeProducersResponse },
  { apiKey: 62, name: 'BrokerRegistration', request: BrokerRegistrationRequest, response: BrokerRegistrationResponse },
  { apiKey: 63, name: 'BrokerHeartbeat', request: BrokerHeartbeatRequest, response: BrokerHeartbeatResponse },
  { apiKey: 64, name: 'UnregisterBroker', request: UnregisterBrokerRequest, response: UnregisterBrokerResponse },
  {
    apiKey: 65,
    name: 'DescribeTransactions',
    request: DescribeTransactionsRequest,
    response: DescribeTransactionsResponse,
  },
  { apiKey: 66, name: 'ListTransactions', request: ListTransactionsRequest, response: ListTransactionsResponse },
  {
    apiKey: 67,
    name: 'AllocateProducerIds',
    request: AllocateProducerIdsRequest,
    response: AllocateProducerIdsResponse,
  },
  {
    apiKey: 68,
    name: 'ConsumerGroupHeartbeat',
    request: ConsumerGroupHeartbeatRequest,
    response: ConsumerGroupHeartbeatResponse,
  },
  {
    apiKey: 69,
    name: 'ConsumerGroupDescribe',
    request: ConsumerGroupDescribeRequest,
    response: ConsumerGroupDescribeResponse,
  },
  {
    apiKey: 70,
    name: 'ControllerRegistration',
    request: ControllerRegistrationRequest,
    response: ControllerRegistrationResponse,
  },
  {
    apiKey: 71,
    name: 'GetTelemetrySubscriptions',
    request: GetTelemetrySubscriptionsRequest,
    response: GetTelemetrySubscriptionsResponse,
  },
  { apiKey: 72, name: 'PushTelemetry', request: PushTelemetryRequest, response: PushTelemetryResponse },
  {
    apiKey: 73,
    name: 'AssignReplicasToDirs',
    request: AssignReplicasToDirsRequest,
    response: AssignReplicasToDirsResponse,
  },
  {
    apiKey: 74,
    name: 'ListClientMetricsResources',
    request: ListClientMetricsResourcesRequest,
    response: ListClientMetricsResourcesResponse,
  },
  {
    apiKey: 75,
    name: 'DescribeTopicPartitions',
    request: DescribeTopicPartitionsRequest,
    response: DescribeTopicPartitionsResponse,
  },
  {
    apiKey: 76,
    name: 'ShareGroupHeartbeat',
    request: ShareGroupHeartbeatRequest,
    response: ShareGroupHeartbeatResponse,
  },
  { apiKey: 77, name: 'ShareGroupDescribe', request: ShareGroupDescribeRequest, response: ShareGroupDescribeResponse },
  { apiKey: 78, name: 'ShareFetch', request: ShareFetchRequest, response: ShareFetchResponse },
  { apiKey: 79, name: 'ShareAcknowledge', request: ShareAcknowledgeRequest, response: ShareAcknowledgeResponse },
  { apiKey: 80, name: 'AddRaftVoter', request: AddRaftVoterRequest, response: AddRaftVoterResponse },
  { apiKey: 81, name: 'RemoveRaftVoter', request: RemoveRaftVoterRequest, response: RemoveRaftVoterResponse },
  { apiKey: 82, name: 'UpdateRaftVoter', request: UpdateRaftVoterRequest, response: UpdateRaftVoterResponse },
  {
    apiKey: 83,
    name: 'InitializeShareGroupState',
    request: InitializeShareGroupStateRequest,
    response: InitializeShareGroupStateResponse,
  },
  {
    apiKey: 84,
    name: 'ReadShareGroupState',
    request: ReadShareGroupStateRequest,
    response: ReadShareGroupStateResponse,
  },
  {
    apiKey: 85,
    name: 'WriteShareGroupState',
    request: WriteShareGroupStateRequest,
    response: WriteShareGroupStateResponse,
  },
  {
    apiKey: 86,
    name: 'DeleteShareGroupState',
    request: DeleteShareGroupStateRequest,
    response: DeleteShareGroupStateResponse,
  },
  {
    apiKey: 87,
    name: 'ReadShareGroupStateSummary',
    request: ReadShareGroupStateSummaryRequest,
    response: ReadShareGroupStateSummaryResponse,
  },
] as const satisfies ReadonlyArray<ApiDeclaration>;

const BY_KEY: ReadonlyMap<number, ApiDeclaration> = new Map(ALL_APIS.map((api) => [api.apiKey, api]));

/** The declaration for an API key, or undefined if kt does not declare it. */
export function apiByKey(key: number): ApiDeclaration | undefined {
  return BY_KEY.get(key);
}

export { ProduceRequest, ProduceResponse } from './00-produce.js';
export { FetchRequest, FetchResponse } from './01-fetch.js';
export { ListOffsetsRequest, ListOffsetsResponse } from './02-list-offsets.js';
export { MetadataRequest, MetadataResponse } from './03-metadata.js';
export { ControlledShutdownRequest, ControlledShutdownResponse } from './07-controlled-shutdown.js';
export { OffsetCommitRequest, OffsetCommitResponse } from './08-offset-commit.js';
export { OffsetFetchRequest, OffsetFetchResponse } from './09-offset-fetch.js';
export { FindCoordinatorRequest, FindCoordinatorResponse } from './10-find-coordinator.js';
export { JoinGroupRequest, JoinGroupResponse } from './11-join-group.js';
export { HeartbeatRequest, HeartbeatResponse } from './12-heartbeat.js';
export { LeaveGroupRequest, LeaveGroupResponse } from './13-leave-group.js';
export { SyncGroupRequest, SyncGroupResponse } from './14-sync-group.js';
export { DescribeGroupsRequest, DescribeGroupsResponse } from './15-describe-groups.js';
export { ListGroupsRequest, ListGroupsResponse } from './16-list-groups.js';
export { SaslHandshakeRequest, SaslHandshakeResponse } from './17-sasl-handshake.js';
export { ApiVersionsRequest, ApiVersionsResponse } from './18-api-versions.js';
export { CreateTopicsRequest, CreateTopicsResponse } from './19-create-topics.js';
export { DeleteTopicsRequest, DeleteTopicsResponse } from './20-delete-topics.js';
export { DeleteRecordsRequest, DeleteRecordsResponse } from './21-delete-records.js';
export { InitProducerIdRequest, InitProducerIdResponse } from './22-init-producer-id.js';
export { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './23-offset-for-leader-epoch.js';
export { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './24-add-partitions-to-txn.js';
export { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './25-add-offsets-to-txn.js';
export { EndTxnRequest, EndTxnResponse } from './26-end-txn.js';
export { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from './27-write-txn-markers.js';
export { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './28-txn-offset-commit.js';
export { DescribeAclsRequest, DescribeAclsResponse } from './29-describe-acls.js';
export { CreateAclsRequest, CreateAclsResponse } from './30-create-acls.js';
export { DeleteAclsRequest, DeleteAclsResponse } from './31-delete-acls.js';
export { DescribeConfigsRequest, DescribeConfigsResponse } from './32-describe-configs.js';
export { AlterConfigsRequest, AlterConfigsResponse } from './33-alter-configs.js';
export { AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse } from './34-alter-replica-log-dirs.js';
export { DescribeLogDirsRequest, DescribeLogDirsResponse } from './35-describe-log-dirs.js';
export { SaslAuthenticateRequest, SaslAuthenticateResponse } from './36-sasl-authenticate.js';
export { CreatePartitionsRequest, CreatePartitionsResponse } from './37-create-partitions.js';
export { CreateDelegationTokenRequest, CreateDelegationTokenResponse } from './38-create-delegation-token.js';
export { RenewDelegationTokenRequest, RenewDelegationTokenResponse } from './39-renew-delegation-token.js';
export { ExpireDelegationTokenRequest, ExpireDelegationTokenResponse } from './40-expire-delegation-token.js';
export { DescribeDelegationTokenRequest, DescribeDelegationTokenResponse } from './41-describe-delegation-token.js';
export { DeleteGroupsRequest, DeleteGroupsResponse } from './42-delete-groups.js';
export { ElectLeadersRequest, ElectLeadersResponse } from './43-elect-leaders.js';
export { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './44-incremental-alter-configs.js';
export {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
} from './45-alter-partition-reassignments.js';
export {
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from './46-list-partition-reassignments.js';
export { OffsetDeleteRequest, OffsetDeleteResponse } from './47-offset-delete.js';
export { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from './48-describe-client-quotas.js';
export { AlterClientQuotasRequest, AlterClientQuotasResponse } from './49-alter-client-quotas.js';
export {
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
} from './50-describe-user-scram-credentials.js';
export {
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
} from './51-alter-user-scram-credentials.js';
export { VoteRequest, VoteResponse } from './52-vote.js';
export { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from './53-begin-quorum-epoch.js';
export { EndQuorumEpochRequest, EndQuorumEpochResponse } from './54-end-quorum-epoch.js';
export { DescribeQuorumRequest, DescribeQuorumResponse } from './55-describe-quorum.js';
export { AlterPartitionRequest, AlterPartitionResponse } from './56-alter-partition.js';
export { UpdateFeaturesRequest, UpdateFeaturesResponse } from './57-update-features.js';
export { EnvelopeRequest, EnvelopeResponse } from './58-envelope.js';
export { FetchSnapshotRequest, FetchSnapshotResponse } from './59-fetch-snapshot.js';
export { DescribeClusterRequest, DescribeClusterResponse } from './60-describe-cluster.js';
export { DescribeProducersRequest, DescribeProducersResponse } from './61-describe-producers.js';
export { BrokerRegistrationRequest, BrokerRegistrationResponse } from './62-broker-registration.js';
export { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from './63-broker-heartbeat.js';
export { UnregisterBrokerRequest, UnregisterBrokerResponse } from './64-unregister-broker.js';
export { DescribeTransactionsRequest, DescribeTransactionsResponse } from './65-describe-transactions.js';
export { ListTransactionsRequest, ListTransactionsResponse } from './66-list-transactions.js';
export { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from './67-allocate-producer-ids.js';
export { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './68-consumer-group-heartbeat.js';
export { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from './69-consumer-group-describe.js';
export { ControllerRegistrationRequest, ControllerRegistrationResponse } from './70-controller-registration.js';
export {
  GetTelemetrySubscriptionsRequest,
  GetTelemetrySubscriptionsResponse,
} from './71-get-telemetry-subscriptions.js';
export { PushTelemetryRequest, PushTelemetryResponse } from './72-push-telemetry.js';
export { AssignReplicasToDirsRequest, AssignReplicasToDirsResponse } from './73-assign-replicas-to-dirs.js';
export {
  ListClientMetricsResourcesRequest,
  ListClientMetricsResourcesResponse,
} from './74-list-client-metrics-resources.js';
export { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from './75-describe-topic-partitions.js';
export { ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse } from './76-share-group-heartbeat.js';
export { ShareGroupDescribeRequest, ShareGroupDescribeResponse } from './77-share-group-describe.js';
export { ShareFetchRequest, ShareFetchResponse } from './78-share-fetch.js';
export { ShareAcknowledgeRequest, ShareAcknowledgeResponse } from './79-share-acknowledge.js';
export { AddRaftVoterRequest, AddRaftVoterResponse } from './80-add-raft-voter.js';
export { RemoveRaftVoterRequest, RemoveRaftVoterResponse } from './81-remove-raft-voter.js';
export { UpdateRaftVoterRequest, UpdateRaftVoterResponse } from './82-update-raft-voter.js';
export {
  InitializeShareGroupStateRequest,
  InitializeShareGroupStateResponse,
} from './83-initialize-share-group-state.js';
export { ReadShareGroupStateRequest, ReadShareGroupStateResponse } from './84-read-share-group-state.js';
export { WriteShareGroupStateRequest, WriteShareGroupStateResponse } from './85-write-share-group-state.js';
export { DeleteShareGroupStateRequest, DeleteShareGroupStateResponse } from './86-delete-share-group-state.js';
export {
  ReadShareGroupStateSummaryRequest,
  ReadShareGroupStateSummaryResponse,
} from './87-read-share-group-state-summary.js';
