// One error type for all of Sluice: a stable code, a domain, a retry hint and, for record
// failures, the record's context — what a dead letter's headers and a metric label are made of.

/** Every error code Sluice raises. A test checks each is documented in README.md. */
export const ERROR_CODES = {
  // bad input (records)
  DECODE_NOT_UTF8: 'value bytes are not valid UTF-8',
  DECODE_INVALID_JSON: 'value is not valid JSON',
  DECODE_NOT_OBJECT: 'value is JSON but not an object',
  DECODE_FORBIDDEN_KEY: 'value contains a __proto__, constructor or prototype key',
  DECODE_EMPTY: 'message has no value (null or empty)',
  RECORD_TOO_LARGE: 'message value exceeds the configured maximum size',
  FIELD_MISSING: 'a field the job needs is missing',
  FIELD_TYPE: 'a field has the wrong type',
  EXPR_EVAL: 'an expression failed to evaluate on this record',
  LATE: 'record arrived after its window closed (event time older than watermark - grace)',
  // job files and configuration
  JOB_YAML_SYNTAX: 'job file is not valid YAML',
  JOB_INVALID: 'job file does not match the job schema',
  JOB_EXPR_INVALID: 'an expression in a job file does not compile or uses a forbidden function',
  JOB_NOT_FOUND: 'job file or job name not found',
  CONFIG_INVALID: 'configuration (environment variables or flags) is invalid',
  // external systems
  KAFKA_UNAVAILABLE: 'Kafka broker cannot be reached',
  KAFKA_REJECTED: 'the broker refused what was sent (e.g. a timestamp or size outside its limits)',
  KAFKA_JAVA_MISSING: 'java (17+) is not on PATH',
  KAFKA_MAVEN_MISSING: 'mvn is not on PATH',
  KAFKA_PORT_TAKEN: 'the local Kafka port is already in use by another process',
  KAFKA_START_FAILED: 'the local Kafka broker did not start',
  STATE_STORE: 'a state store operation failed',
  // ours
  INTERNAL: 'a bug in Sluice',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** user: fix your input or job; external: a dependency failed; internal: our bug. */
export type ErrorDomain = 'user' | 'external' | 'internal';

/** Context of the record being processed when an error happened. */
export interface ErrorContext {
  job?: string;
  node?: string;
  topic?: string;
  partition?: number;
  offset?: string;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export interface SluiceErrorOptions {
  domain?: ErrorDomain;
  retriable?: boolean;
  cause?: unknown;
  context?: ErrorContext;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly domain: ErrorDomain;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.domain = options.domain ?? defaultDomain(code);
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

function defaultDomain(code: ErrorCode): ErrorDomain {
  if (code === 'INTERNAL') return 'internal';
  if (code.startsWith('KAFKA_') || code === 'STATE_STORE') return 'external';
  return 'user';
}

/** A readable message for anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? 'unknown error';
  } catch {
    return 'unknown error';
  }
}

/** Wraps anything thrown into a SluiceError, keeping it as the cause. */
export function toSluiceError(err: unknown, fallback: ErrorCode = 'INTERNAL'): SluiceError {
  if (err instanceof SluiceError) return err;
  const message = errorMessage(err);
  return new SluiceError(fallback, message, { cause: err });
}
