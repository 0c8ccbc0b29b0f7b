/** Which contacts a contacts query, a segment, an export or a broadcast audience means (parsed and checked by parseContactFilter). */
export interface ContactFilter {
  /** Part of the name, phone or email, any case. */
  search?: string;
  /** Contacts with any of these labels. */
  labelIds?: string[];
  optedOut?: boolean;
  /** Every condition holds. */
  fields?: FieldCondition[];
  /** ISO instants: the contact's last inbound message is at or after / before them. */
  lastSeenAfter?: string;
  lastSeenBefore?: string;
}

export const FIELD_OPERATORS = ['EQ', 'NEQ', 'CONTAINS', 'GT', 'GTE', 'LT', 'LTE', 'IS_SET', 'NOT_SET'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** A condition on one custom field's value; IS_SET and NOT_SET take no value. */
export interface FieldCondition {
  key: string;
  op: FieldOperator;
  value?: string | number | boolean | null;
}
