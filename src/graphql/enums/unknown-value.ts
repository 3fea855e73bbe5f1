/**
 * Stands for a value Visma added after this gateway was written. It cannot collide with a
 * Visma spelling, which is always PascalCase.
 */
export const UNKNOWN_VALUE = '@unknown';

export const UNKNOWN_DESCRIPTION =
  'A value Visma sent that this version of the gateway does not know yet. It is reported instead of failing the query, and logged once as a warning.';
