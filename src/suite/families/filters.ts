/** Filtering and element-wise maps over one line of integers, and ranges read from one integer. */
import { defineFamily, type Family } from '../family.ts';
import { int, intLine, line } from '../random.ts';
import { IO, READ_INT, READ_INTS, program } from './common.ts';

const GROUP = 'filters';
const p = (...body: readonly string[]): string => program(READ_INTS, ...body);

const keepMultiples = defineFamily<{ K: number }>(GROUP, {
  name: 'keep_multiples',
  io: IO.intsToInts,
  templates: {
    train: [
      'Print only the numbers divisible by {K}, in their original order',
      'Keep the multiples of {K} and print them',
      'Output the values that are multiples of {K}, keeping their order',
      'Print the numbers that are divisible by {K}, in the same order',
    ],
    heldout: ['Filter the list down to numbers that {K} divides and print what remains', 'Print the values x of the line for which x mod {K} equals 0'],
    fresh: [
      'Determine which numbers are divisible by {K} and print them in input order',
      'Your program should output, in order, only the values that are multiples of {K}',
      'Write out, in input order, each number leaving remainder 0 when divided by {K}',
    ],
  },
  pools: { K: { train: [2, 3, 5, 10], heldout: [4, 6, 7], novel: [8, 9, 11] } },
  solve: ({ K }) => p(`print(*[x for x in a if x%${K}==0])`),
  bugs: [
    ({ K }) => p(`print(*[x for x in a if x%${K}!=0])`),
    ({ K }) => p(`print(len([x for x in a if x%${K}==0]))`),
    ({ K }) => p(`print([x for x in a if x%${K}==0])`),
  ],
  input: (rng, { K }) => intLine(rng, { lo: 0, hi: 40, inject: [K, 2 * K, 3 * K] }),
  edges: ({ K }) => [line([K]), line([1, K + 1]), line([0, K, 2 * K]), line([K, K])],
});

const keepAtLeast = defineFamily<{ K: number }>(GROUP, {
  name: 'keep_at_least',
  io: IO.intsToInts,
  templates: {
    train: [
      'Remove the numbers smaller than {K} and print the rest in order',
      'Print the values that are at least {K}, keeping their order',
      'Drop every number below {K}; output the remaining ones',
      'Print each number that is not less than {K}, in order',
    ],
    heldout: ['Output, in the given order, each integer that is greater than or equal to {K}', 'Output the values not smaller than {K}, in order'],
    fresh: [
      'Determine which numbers are {K} or more and print them in their original order',
      'Your program should drop values under {K} and print the rest in order',
      'Given the line, write out in sequence every number x satisfying x >= {K}',
    ],
  },
  pools: { K: { train: [0, 1, 5, 10, -2], heldout: [3, 7], novel: [2, 4, 6, 8, -1] } },
  solve: ({ K }) => p(`print(*[x for x in a if x>=${K}])`),
  bugs: [
    ({ K }) => p(`print(*[x for x in a if x>${K}])`),
    ({ K }) => p(`print(*[x for x in a if x<${K}])`),
    ({ K }) => p(`print(*sorted(x for x in a if x>=${K}))`),
  ],
  input: (rng, { K }) => intLine(rng, { lo: -5, hi: 20, inject: [K] }),
  edges: ({ K }) => [line([K]), line([K - 1]), line([K + 3, K, K + 1]), line([K - 1, K - 2, K])],
});

const positionsOf = defineFamily<{ X: number }>(GROUP, {
  name: 'positions_of',
  io: IO.intsToInts,
  templates: {
    train: [
      'Print the positions (counting from 1) where the number {X} appears',
      'Output every 1-based index at which the value {X} occurs',
      'List the places of all occurrences of {X}, numbering positions from 1',
      'Print the 1-based indices of the numbers equal to {X}',
    ],
    heldout: ['Print each 1-based position holding the value {X}, in increasing order', 'Output the positions, starting at 1, of the entries equal to {X}'],
    fresh: [
      'Determine each 1-based position holding {X} and print them in increasing order',
      'Output the 1-based indices of all entries equal to {X}, from left to right',
      'Write out where each {X} is located, the first number being position 1',
    ],
  },
  pools: { X: { train: [0, 1, 2, 5, 7], heldout: [3, 4, 9], novel: [6, 8, 10] } },
  solve: ({ X }) => p(`print(*[i+1 for i,x in enumerate(a) if x==${X}])`),
  bugs: [
    ({ X }) => p(`print(*[i for i,x in enumerate(a) if x==${X}])`),
    ({ X }) => p(`print(*[i+1 for i,x in enumerate(a) if x!=${X}])`),
    ({ X }) => p(`print(*[x for x in a if x==${X}])`),
  ],
  input: (rng, { X }) => intLine(rng, { lo: 0, hi: 9, minLen: 2, maxLen: 8, inject: [X], injectRate: 0.4 }),
  edges: ({ X }) => [line([X]), line([X + 1]), line([X, X, X]), line([X + 1, X])],
});

const keepBetween = defineFamily<{ L: number; R: number }>(GROUP, {
  name: 'keep_between',
  io: IO.intsToInts,
  templates: {
    train: [
      'Print the numbers between {L} and {R} inclusive, in their original order',
      'Keep only values x with {L} <= x <= {R} and print them',
      'Output the integers that lie in the range from {L} to {R}, both ends included',
      'Print the values that are at least {L} and at most {R}, in order',
    ],
    heldout: ['Print, in order, each number that is at least {L} and at most {R}', 'Output the values from the closed range [{L}, {R}] in their given order'],
    fresh: [
      'Determine which numbers x satisfy {L} <= x <= {R} and print them in order',
      'Output, in input order, every value no smaller than {L} and no larger than {R}',
      'Write out, in order, the numbers inside the inclusive interval from {L} to {R}',
    ],
  },
  pools: { L: { train: [1, 2, 5, 10], heldout: [3, 4, 7], novel: [6, 8, 9] }, R: { train: [12, 15, 20, 30], heldout: [14, 18, 25], novel: [13, 16, 22] } },
  solve: ({ L, R }) => p(`print(*[x for x in a if ${L}<=x<=${R}])`),
  bugs: [
    ({ L, R }) => p(`print(*[x for x in a if ${L}<x<${R}])`),
    ({ L, R }) => p(`print(*[x for x in a if x<${L} or x>${R}])`),
    ({ L, R }) => p(`print(*[x for x in a if ${L}<=x<${R}])`),
  ],
  input: (rng, { L, R }) => intLine(rng, { lo: 0, hi: 35, inject: [L, R, L - 1, R + 1] }),
  edges: ({ L, R }) => [line([L, R]), line([L - 1, R + 1]), line([L]), line([R, R])],
});

const clipMax = defineFamily<{ K: number }>(GROUP, {
  name: 'clip_max',
  io: IO.intsToInts,
  templates: {
    train: [
      'Replace every number larger than {K} by {K} and print the numbers',
      'Print each value, but cap it at {K}',
      'Output the numbers with anything above {K} lowered to {K}',
      'Print the numbers, replacing each one above {K} with {K}',
    ],
    heldout: ['Print min(x, {K}) for every number x of the line', 'Lower each value exceeding {K} down to {K}, then print the numbers'],
    fresh: [
      'Your program should print the numbers, but any value above {K} becomes {K}',
      'Write out the numbers in order after limiting each one to at most {K}',
      'Print a copy of the list where every number above {K} is replaced by {K}',
    ],
  },
  pools: { K: { train: [0, 5, 10, 20], heldout: [7, 15], novel: [3, 8, 12, 25] } },
  solve: ({ K }) => p(`print(*[min(x,${K}) for x in a])`),
  bugs: [
    ({ K }) => p(`print(*[max(x,${K}) for x in a])`),
    ({ K }) => p(`print(*[x for x in a if x<=${K}])`),
    ({ K }) => p(`print(*[min(x,${K - 1}) for x in a])`),
  ],
  input: (rng, { K }) => intLine(rng, { lo: -5, hi: 30, inject: [K] }),
  edges: ({ K }) => [line([K]), line([K + 1]), line([K - 1, K, K + 1])],
});

const dedupe = defineFamily<Record<string, never>>(GROUP, {
  name: 'dedupe',
  io: IO.intsToInts,
  templates: {
    train: [
      'Print the numbers with repeats removed, keeping each first occurrence in order',
      'Remove duplicate values but keep the order of first appearance, then print',
      'Output each distinct number once, in the order it first shows up',
      'Print the distinct numbers in order of their first appearance',
    ],
    heldout: ['Print the list without repeated values, the first copy of each staying in place', 'Output the numbers once each, dropping later copies, in the original order'],
    fresh: [
      'Your program should print each value only the first time it occurs',
      'Write out the numbers in order, leaving out any value already seen',
      "Delete repeats, keeping each number's earliest copy, and print the list",
    ],
  },
  pools: {},
  solve: () => p('print(*dict.fromkeys(a))'),
  bugs: [() => p('print(*sorted(set(a)))'), () => p('print(*[x for x in a if a.count(x)==1])'), () => p('print(len(set(a)))')],
  input: (rng) => intLine(rng, { lo: 0, hi: 9, minLen: 2, maxLen: 8 }),
  edges: () => [line([4]), line([2, 2, 2]), line([3, 1, 3, 1]), line([5, 4, 3])],
});

const multiplesUpTo = defineFamily<{ K: number }>(GROUP, {
  name: 'multiples_up_to',
  io: IO.intToInts,
  templates: {
    train: [
      'Given n, print all multiples of {K} from 1 to n',
      'Output every number between 1 and n (inclusive) that is divisible by {K}',
      'Print the positive multiples of {K} that do not exceed n, in increasing order',
      'Read n and print the multiples of {K} between 1 and n',
    ],
    heldout: ['Read n and list each k in 1..n such that {K} divides k', 'For the given n, output all numbers from 1 to n that are multiples of {K}'],
    fresh: [
      'Given n, print in increasing order every positive multiple of {K} up to n',
      'Your program should read n and output {K}, 2*{K}, 3*{K}, and so on, never exceeding n',
      'Compute all numbers from 1 through n that {K} divides evenly, in ascending order',
    ],
  },
  pools: { K: { train: [2, 3, 5, 10], heldout: [4, 7], novel: [6, 8, 9] } },
  solve: ({ K }) => program(READ_INT, `print(*range(${K},n+1,${K}))`),
  bugs: [
    ({ K }) => program(READ_INT, `print(*range(${K},n,${K}))`),
    ({ K }) => program(READ_INT, `print(*range(0,n+1,${K}))`),
    ({ K }) => program(READ_INT, `print(*range(1,n+1,${K}))`),
  ],
  input: (rng, { K }) => line([rng() < 0.4 ? K * int(rng, 1, 6) : int(rng, 1, 40)]),
  edges: ({ K }) => [line([1]), line([K]), line([K - 1]), line([K * 3]), line([K * 3 + 1])],
});

/** The filtering and mapping families. */
export const FILTER_FAMILIES: readonly Family[] = [
  keepMultiples, keepAtLeast, positionsOf, keepBetween, clipMax, dedupe, multiplesUpTo,
];
