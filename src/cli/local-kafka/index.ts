// Public face of the local Kafka manager, for the CLI main, `npm start`, the test setup and CI.
export {
  ensureLocalKafka,
  localKafkaClassPath,
  localKafkaStatus,
  stopLocalKafka,
  type LocalKafka,
  type LocalKafkaOptions,
  type LocalKafkaStatus,
  type StartLocalKafkaOptions,
  type StopLocalKafkaOptions,
  type StopResult,
} from './local-kafka.js';
export { kafkaCommand, KAFKA_EXIT, KAFKA_USAGE, type KafkaCommandIo } from './kafka-command.js';
export { DEFAULT_KAFKA_PORT, KAFKA_HOST, KAFKA_VERSION } from './local-kafka-layout.js';
