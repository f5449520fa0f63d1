/** Metadata record type numbers (the apiKey of each record in metadata-records/). */
export const RecordType = {
  RegisterBroker: 0,
  UnregisterBroker: 1,
  Topic: 2,
  Partition: 3,
  Config: 4,
  PartitionChange: 5,
  FenceBroker: 7,
  UnfenceBroker: 8,
  RemoveTopic: 9,
  FeatureLevel: 12,
  ProducerIds: 15,
  BrokerRegistrationChange: 17,
  NoOp: 20,
} as const;

/** ConfigResource types as Kafka numbers them (ConfigRecord.resourceType, DescribeConfigs). */
export const ConfigResourceType = { Topic: 2, Broker: 4, BrokerLogger: 8 } as const;

/** SecurityProtocol ids in RegisterBrokerRecord endpoints. */
export const SECURITY_PROTOCOLS: readonly string[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
