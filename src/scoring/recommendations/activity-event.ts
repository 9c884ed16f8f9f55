// Reads the fields the recommendation nodes need from a `user-activity` record
// (`{event_id, user_id, session_id, item_id, category, event_type, price?, ts}`); a record
// without them is dead-lettered by the node with the error returned here.

import { SluiceError } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../../core/record.js';

export type ActivityType = 'view' | 'add_to_cart' | 'purchase';
export const ACTIVITY_TYPES: readonly ActivityType[] = ['view', 'add_to_cart', 'purchase'];

/** Bit per event type in a history entry's flags (what the user did with the item). */
export const ACTIVITY_FLAGS: Readonly<Record<ActivityType, number>> = {
  view: 1,
  add_to_cart: 2,
  purchase: 4,
};

export interface ActivityEvent {
  readonly itemId: string;
  /** '' when the record has no category. */
  readonly category: string;
  readonly type: ActivityType;
  /** Undefined when the record has none (sessions then end after an inactivity gap). */
  readonly sessionId: string | undefined;
}

/** Field names of the `user-activity` contract. */
export const ACTIVITY_FIELDS = {
  item: 'item_id',
  category: 'category',
  type: 'event_type',
  session: 'session_id',
} as const;

function idText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function own(value: JsonObject, field: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(value, field) ? value[field] : undefined;
}

/**
 * The activity fields of a record value: `item_id` (string or number), `event_type` (one of
 * ACTIVITY_TYPES), optional `category` and `session_id`. Returns a SluiceError (FIELD_MISSING,
 * FIELD_TYPE) for a record that lacks them.
 */
export function readActivityEvent(value: JsonObject): ActivityEvent | SluiceError {
  const rawItem = own(value, ACTIVITY_FIELDS.item);
  const itemId = idText(rawItem);
  // Ids starting with NUL are reserved for the item store's per-task entries.
  if (itemId === undefined || itemId.startsWith('\u0000')) {
    return new SluiceError(
      rawItem === undefined || rawItem === null ? 'FIELD_MISSING' : 'FIELD_TYPE',
      `${ACTIVITY_FIELDS.item} must be a non-empty string (not starting with NUL) or a number`,
      { context: { field: ACTIVITY_FIELDS.item } },
    );
  }
  const rawType = own(value, ACTIVITY_FIELDS.type);
  if (typeof rawType !== 'string' || !(ACTIVITY_TYPES as readonly string[]).includes(rawType)) {
    return new SluiceError(
      rawType === undefined || rawType === null ? 'FIELD_MISSING' : 'FIELD_TYPE',
      `${ACTIVITY_FIELDS.type} must be one of ${ACTIVITY_TYPES.join(', ')}`,
      { context: { field: ACTIVITY_FIELDS.type } },
    );
  }
  const rawCategory = own(value, ACTIVITY_FIELDS.category);
  if (rawCategory !== undefined && rawCategory !== null && typeof rawCategory !== 'string') {
    return new SluiceError('FIELD_TYPE', `${ACTIVITY_FIELDS.category} must be a string`, {
      context: { field: ACTIVITY_FIELDS.category },
    });
  }
  return {
    itemId,
    category: typeof rawCategory === 'string' ? rawCategory : '',
    type: rawType as ActivityType,
    sessionId: idText(own(value, ACTIVITY_FIELDS.session)),
  };
}
