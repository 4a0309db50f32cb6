/** Every family of the built-in suite, in a fixed order (the order problems are interleaved in). */
import type { Family } from '../family.ts';
import { COUNTING_FAMILIES } from './counting.ts';
import { FILTER_FAMILIES } from './filters.ts';
import { FORMATTING_FAMILIES } from './formatting.ts';
import { LIST_FAMILIES } from './lists.ts';
import { PARSING_FAMILIES } from './parsing.ts';
import { STRING_FAMILIES } from './strings.ts';

/** All families, grouped as in the files they are defined in. */
export const FAMILIES: readonly Family[] = [
  ...LIST_FAMILIES,
  ...FILTER_FAMILIES,
  ...STRING_FAMILIES,
  ...COUNTING_FAMILIES,
  ...PARSING_FAMILIES,
  ...FORMATTING_FAMILIES,
];
