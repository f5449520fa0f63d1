/**
 * The CONTROLLER listener's handler table (Kafka's ControllerApis): the KRaft quorum's own
 * requests, the metadata operations brokers send to the active controller, DescribeQuorum,
 * DescribeCluster (the controllers) and ApiVersions, which advertises exactly this table. One file
 * per API key here; the metadata operations reuse the broker's handler files behind the
 * active-controller check (active-only.ts).
 */
import type { ApiHandler } from '../../broker/handler.js';
import { HandlerRegistry } from '../../broker/handlers/index.js';
import apiVersions from '../../broker/handlers/18-api-versions.js';
import createTopics from '../../broker/handlers/19-create-topics.js';
import deleteTopics from '../../broker/handlers/20-delete-topics.js';
import alterConfigs from '../../broker/handlers/33-alter-configs.js';
import createPartitions from '../../broker/handlers/37-create-partitions.js';
import electLeaders from '../../broker/handlers/43-elect-leaders.js';
import incrementalAlterConfigs from '../../broker/handlers/44-incremental-alter-configs.js';
import alterPartitionReassignments from '../../broker/handlers/45-alter-partition-reassignments.js';
import listPartitionReassignments from '../../broker/handlers/46-list-partition-reassignments.js';
import describeQuorum from '../../broker/handlers/55-describe-quorum.js';
import fetch from './01-fetch.js';
import alterPartition from './56-alter-partition.js';
import vote from './52-vote.js';
import beginQuorumEpoch from './53-begin-quorum-epoch.js';
import endQuorumEpoch from './54-end-quorum-epoch.js';
import fetchSnapshot from './59-fetch-snapshot.js';
import describeCluster from './60-describe-cluster.js';
import brokerRegistration from './62-broker-registration.js';
import brokerHeartbeat from './63-broker-heartbeat.js';
import allocateProducerIds from './67-allocate-producer-ids.js';
import { activeOnly } from './active-only.js';

export const CONTROLLER_HANDLERS: readonly ApiHandler[] = [
  fetch,
  apiVersions,
  activeOnly(createTopics),
  activeOnly(deleteTopics),
  activeOnly(alterConfigs),
  activeOnly(createPartitions),
  activeOnly(electLeaders),
  activeOnly(incrementalAlterConfigs),
  activeOnly(alterPartitionReassignments),
  activeOnly(listPartitionReassignments),
  vote,
  beginQuorumEpoch,
  endQuorumEpoch,
  describeQuorum,
  alterPartition,
  fetchSnapshot,
  describeCluster,
  activeOnly(brokerRegistration),
  activeOnly(brokerHeartbeat),
  allocateProducerIds,
];

export function controllerHandlers(): HandlerRegistry {
  return new HandlerRegistry(CONTROLLER_HANDLERS);
}
