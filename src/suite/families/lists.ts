/** Arithmetic over one line of integers: sums, products, extremes, counts, order statistics. */
import { defineFamily, type Family } from '../family.ts';
import { int, intLine, intList, line } from '../random.ts';
import { IO, READ_INTS, ordinal, program } from './common.ts';

const GROUP = 'lists';
const p = (...body: readonly string[]): string => program(READ_INTS, ...body);

const sumAbove = defineFamily<{ K: number }>(GROUP, {
  name: 'sum_above',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the sum of the numbers greater than {K}',
      'Add up all the numbers that are larger than {K} and print the total',
      'Compute the total of the values exceeding {K}',
      'Sum up only the values bigger than {K} and output that sum',
    ],
    heldout: ['Output the sum of every number above {K}', 'Find the total of the integers that are strictly bigger than {K} and print it'],
    fresh: [
      'Determine the total of all values strictly greater than {K} and print it',
      'Your program should add together every number that exceeds {K} and output the result',
      'Given the line, ignore every number that is {K} or less and print the sum of the rest',
    ],
  },
  pools: { K: { train: [0, 1, 2, 3, 5, 7, 10], heldout: [4, 6, 8], novel: [9, 11, 12, 15] } },
  solve: ({ K }) => p(`print(sum(x for x in a if x>${K}))`),
  bugs: [
    ({ K }) => p(`print(sum(x for x in a if x>=${K}))`),
    ({ K }) => p(`print(sum(x for x in a if x<${K}))`),
    ({ K }) => p(`print(len([x for x in a if x>${K}]))`),
  ],
  input: (rng, { K }) => intLine(rng, { lo: -5, hi: 15, inject: [K] }),
  edges: ({ K }) => [line([K]), line([K - 1, K - 2]), line([K + 1, K, -3]), line([-5, -5, 20])],
});

const prodMod = defineFamily<{ P: number }>(GROUP, {
  name: 'prod_mod',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the product of the numbers modulo {P}',
      'Multiply all the numbers together and print the result mod {P}',
      'Output the remainder when the product of the numbers is divided by {P}',
      'Print the product of all the integers, modulo {P}',
    ],
    heldout: ['Compute the product of all values, taken modulo {P}, and print it', 'Print the result of multiplying the given integers, reduced modulo {P}'],
    fresh: [
      'Determine the product of all the integers and print its remainder after division by {P}',
      'Your program should multiply every value on the line together and output that product mod {P}',
      'Compute (a1 * a2 * ... * an) mod {P} for the given numbers a1 to an and print it',
    ],
  },
  pools: { P: { train: [7, 10, 11, 13, 17, 100, 101, 1000], heldout: [9, 19, 23, 1009], novel: [29, 31, 37, 50, 997] } },
  solve: ({ P }) => program('import math', READ_INTS, `print(math.prod(a)%${P})`),
  bugs: [
    ({ P }) => program('import math', READ_INTS, `print(sum(a)%${P})`),
    ({ P }) => program('import math', READ_INTS, `print(math.prod(a)//${P})`),
    () => program('import math', READ_INTS, 'print(math.prod(a))'),
  ],
  input: (rng) => intLine(rng, { lo: 1, hi: 30, maxLen: 6 }),
  edges: ({ P }) => [line([1]), line([P]), line([P - 1, P + 1]), line([0, 5, 7])],
});

const rangeSpan = defineFamily<Record<string, never>>(GROUP, {
  name: 'range_span',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the difference between the largest and the smallest number',
      'Output the maximum minus the minimum of the numbers',
      'Find how far apart the biggest and smallest values are and print it',
      'Output how much larger the maximum is than the minimum',
    ],
    heldout: ['Print the largest of the given integers minus the smallest one', 'Subtract the minimum value from the maximum value and output the difference'],
    fresh: [
      'Determine the gap between the maximum and the minimum value and print it',
      'Your program should report by how much the greatest value exceeds the least value',
      'Compute max - min over the given integers and write it out',
    ],
  },
  pools: {},
  solve: () => p('print(max(a)-min(a))'),
  bugs: [() => p('print(min(a)-max(a))'), () => p('print(a[-1]-a[0])'), () => p('print(max(a)-min(a)+1)')],
  input: (rng) => intLine(rng, { lo: -20, hi: 40 }),
  edges: () => [line([5]), line([3, 3, 3]), line([-4, 9]), line([9, -4, 0])],
});

const countMultiples = defineFamily<{ K: number }>(GROUP, {
  name: 'count_multiples',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print how many of the numbers are multiples of {K}',
      'Count the numbers divisible by {K} and print the count',
      'Output the number of values that {K} divides evenly',
      'Print the count of numbers that are divisible by {K}',
    ],
    heldout: ['How many of the given integers are divisible by {K}? Print that number', 'Print the count of given values x for which x mod {K} is zero'],
    fresh: [
      'Determine how many values leave no remainder when divided by {K} and print that number',
      'Your program should report the number of integers on the line that are multiples of {K}',
      'Given the line, compute how many of its numbers {K} divides exactly and output the count',
    ],
  },
  pools: { K: { train: [2, 3, 5, 10, 11], heldout: [4, 6, 7], novel: [8, 9, 12] } },
  solve: ({ K }) => p(`print(len([x for x in a if x%${K}==0]))`),
  bugs: [
    ({ K }) => p(`print(len([x for x in a if x%${K}!=0]))`),
    ({ K }) => p(`print(len(a)//${K})`),
    ({ K }) => p(`print(sum(x for x in a if x%${K}==0))`),
  ],
  input: (rng, { K }) => intLine(rng, { lo: 0, hi: 40, inject: [K, 2 * K, 3 * K] }),
  edges: ({ K }) => [line([K]), line([1]), line([0, K + 1]), line([K, 2 * K, 3 * K, 4 * K])],
});

const meanFloor = defineFamily<Record<string, never>>(GROUP, {
  name: 'mean_floor',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the average of the numbers, rounded down',
      'Output the mean of the values rounded down to an integer',
      'Compute the arithmetic mean of the numbers and print its floor',
      'Print the integer average of the numbers (sum divided by count, rounded down)',
    ],
    heldout: ['Print the average of the given integers, dropping any fractional part', 'Output the mean of the values, rounded towards the lower integer'],
    fresh: [
      'Determine the sum of the numbers divided by how many there are, rounded down, and print it',
      'Your program should output the floor of the arithmetic mean of the given integers',
      'Compute the largest integer not exceeding the average of the values and print it',
    ],
  },
  pools: {},
  solve: () => p('print(sum(a)//len(a))'),
  bugs: [() => p('print(sum(a)/len(a))'), () => p('print(sum(a)//(len(a)+1))'), () => p('print(round(sum(a)/len(a)))')],
  input: (rng) => intLine(rng, { lo: 0, hi: 50 }),
  edges: () => [line([7]), line([0, 0]), line([1, 2]), line([5, 5, 6]), line([50, 49, 50])],
});

const countBelow = defineFamily<{ K: number }>(GROUP, {
  name: 'count_below',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print how many numbers are smaller than {K}',
      'Count the values less than {K} and output the count',
      'Output the number of integers that are below {K}',
      'Print the count of numbers less than {K}',
    ],
    heldout: ['Tell how many of the numbers are strictly less than {K}, printing the count', 'Print the amount of values that fall below {K}'],
    fresh: [
      'Determine how many values are strictly under {K} and print that number',
      'Your program should report the count of integers on the line that are less than {K}',
      'Compute the number of elements x with x < {K} and output it',
    ],
  },
  pools: { K: { train: [0, 1, 3, 5, 10, 20], heldout: [2, 4, 15], novel: [6, 8, 12, 30] } },
  solve: ({ K }) => p(`print(len([x for x in a if x<${K}]))`),
  bugs: [
    ({ K }) => p(`print(len([x for x in a if x<=${K}]))`),
    ({ K }) => p(`print(len([x for x in a if x>${K}]))`),
    ({ K }) => p(`print(sum(x for x in a if x<${K}))`),
  ],
  input: (rng, { K }) => intLine(rng, { lo: -5, hi: 25, inject: [K] }),
  edges: ({ K }) => [line([K]), line([K - 1]), line([K + 1, K + 2]), line([K, K, K - 1])],
});

const sumFirstK = defineFamily<{ K: number }>(GROUP, {
  name: 'sum_first_k',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the sum of the first {K} numbers',
      'Add up the first {K} values and print the total',
      'Output the total of the leading {K} integers',
      'Print the sum of the first {K} values of the line',
    ],
    heldout: ['Compute the sum of the first {K} numbers of the line and print it', 'Print the total of the first {K} given integers'],
    fresh: [
      'Determine the total of the initial {K} numbers on the line and print it',
      'Your program should output the sum of the {K} numbers at the start of the line',
      'Given the line, take its first {K} values and write out their sum',
    ],
  },
  pools: { K: { train: [2, 3, 5, 7], heldout: [4, 6], novel: [1, 8, 9] } },
  solve: ({ K }) => p(`print(sum(a[:${K}]))`),
  bugs: [({ K }) => p(`print(sum(a[:${K - 1}]))`), ({ K }) => p(`print(sum(a[:${K + 1}]))`), ({ K }) => p(`print(sum(a[${K}:]))`)],
  input: (rng, { K }) => intLine(rng, { lo: -9, hi: 30, minLen: K, maxLen: K + 4 }),
  edges: ({ K }) => [line(Array.from({ length: K }, (_, i) => i + 1)), line(Array.from({ length: K + 1 }, () => 0))],
});

const kthLargest = defineFamily<{ K: number }>(GROUP, {
  name: 'kth_largest',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the {KTH} largest number, counting repeated values separately',
      'Sort the numbers from largest to smallest and print the one at position {K}',
      'Output the value that is {KTH} when the numbers are ordered from biggest down, repeats included',
      'Among the numbers, print the {KTH} largest one, with repeats counted',
    ],
    heldout: ['Print the number in place {K} of the list sorted in decreasing order', 'Output the {KTH} biggest value, where equal values count separately'],
    fresh: [
      'Determine the {KTH} largest value, where equal numbers count separately, and print it',
      'Your program should sort the values high to low, repeats kept, and output the one at position {K}',
      'Write out the number ranked {KTH} from the top in decreasing order, repeats counted',
    ],
  },
  pools: { K: { train: [2, 3, 5], heldout: [4, 6], novel: [1, 7] } },
  show: ({ K }) => ({ KTH: ordinal(K) }),
  solve: ({ K }) => p(`print(sorted(a)[-${K}])`),
  bugs: [({ K }) => p(`print(sorted(a)[${K}])`), ({ K }) => p(`print(sorted(a)[-${K + 1}])`), ({ K }) => p(`print(sorted(a)[${K - 1}])`)],
  input: (rng, { K }) => intLine(rng, { lo: -10, hi: 30, minLen: K, maxLen: K + 4 }),
  edges: ({ K }) => [line(Array.from({ length: K }, () => 3)), line(Array.from({ length: K + 1 }, (_, i) => i))],
});

const smallestK = defineFamily<{ K: number }>(GROUP, {
  name: 'smallest_k',
  io: IO.intsToInts,
  templates: {
    train: [
      'Print the {K} smallest numbers in increasing order',
      'Output the {K} lowest values, sorted from small to large',
      'Sort the numbers and print the first {K} of them',
      'Print the smallest {K} values from lowest to highest',
    ],
    heldout: ['Print, in ascending order, the {K} least numbers of the line', 'Output the first {K} values of the line once it is sorted ascending'],
    fresh: [
      'Determine the {K} least values and print them from smallest to largest',
      'Your program should output the first {K} values of the list sorted ascending',
      'Given the line, write out its {K} lowest numbers, ordered from low to high',
    ],
  },
  pools: { K: { train: [2, 3, 5], heldout: [4, 6], novel: [1, 7] } },
  solve: ({ K }) => p(`print(*sorted(a)[:${K}])`),
  bugs: [({ K }) => p(`print(*sorted(a)[:${K - 1}])`), ({ K }) => p(`print(*sorted(a)[-${K}:])`), ({ K }) => p(`print(*a[:${K}])`)],
  input: (rng, { K }) => intLine(rng, { lo: -10, hi: 30, minLen: K, maxLen: K + 4 }),
  edges: ({ K }) => [line(Array.from({ length: K }, (_, i) => K - i)), line(Array.from({ length: K + 1 }, () => 1))],
});

const scaleShift = defineFamily<{ K: number; M: number }>(GROUP, {
  name: 'scale_shift',
  io: IO.intsToInts,
  templates: {
    train: [
      'Multiply each number by {K}, add {M}, and print the results',
      'Print every value times {K} plus {M}',
      'Replace each number x by {K}*x+{M} and output the new numbers',
      'Print x*{K}+{M} for each number x',
    ],
    heldout: ['For every integer, print {K} times it plus {M}', 'Transform each value x into x*{K}+{M} and print all of them'],
    fresh: [
      'Determine {K}*x+{M} for each number x and print the results in order',
      'Your program should output each value multiplied by {K} and then increased by {M}',
      'Given the line, write out every integer after multiplying it by {K} and adding {M}',
    ],
  },
  pools: { K: { train: [2, 3, 5, 10], heldout: [4, 6], novel: [7, 8, 9] }, M: { train: [1, 2, 3, 7], heldout: [4, 5], novel: [6, 8, 9] } },
  solve: ({ K, M }) => p(`print(*[x*${K}+${M} for x in a])`),
  bugs: [
    ({ K, M }) => p(`print(*[x*${K}-${M} for x in a])`),
    ({ K, M }) => p(`print(*[(x+${M})*${K} for x in a])`),
    ({ K, M }) => p(`print(*[x*${M}+${K} for x in a])`),
  ],
  input: (rng) => intLine(rng, { lo: -9, hi: 20, maxLen: 5 }),
  edges: () => [line([0]), line([1, -1]), line([10])],
});

const indexOfMax = defineFamily<Record<string, never>>(GROUP, {
  name: 'index_of_max',
  io: IO.intsToInt,
  templates: {
    train: [
      'Print the position (counting from 1) of the first occurrence of the largest number',
      'Output the 1-based index where the maximum first appears',
      'Find the biggest value and print where it first occurs, numbering positions from 1',
      'Print the index, starting from 1, of the first maximum value',
    ],
    heldout: ['Print the 1-based place of the earliest maximum among the numbers', 'Where does the maximum appear first? Print its position, starting at 1'],
    fresh: [
      'Determine the 1-based position where the largest value occurs for the first time and print it',
      'Your program should output the index, counting from 1, of the leftmost maximum element',
      'Given the line, write out the 1-based position where the greatest number first appears',
    ],
  },
  pools: {},
  solve: () => p('print(a.index(max(a))+1)'),
  bugs: [() => p('print(a.index(max(a)))'), () => p('print(a.index(min(a))+1)'), () => p('print(len(a)-a[::-1].index(max(a)))')],
  input: (rng) => intLine(rng, { lo: 0, hi: 9, minLen: 2 }),
  edges: () => [line([4]), line([7, 7]), line([1, 9, 9, 2]), line([5, 1, 5])],
});

const isSorted = defineFamily<{ A: string }>(GROUP, {
  name: 'is_sorted',
  io: IO.intsToWord,
  templates: {
    train: [
      'Print {T} if the numbers never decrease from left to right, otherwise {F}',
      'Output {T} when the list is sorted in non-decreasing order and {F} if not',
      'Check whether each number is at least the one before it; print {T} or {F}',
      'Print {T} if the numbers are sorted in non-decreasing order, else {F}',
    ],
    heldout: ['If the integers are in non-decreasing order print {T}, else print {F}', 'Answer {T} if no number is smaller than the one before it, and {F} otherwise'],
    fresh: [
      'Determine whether the integers are in non-decreasing order and print {T} if so or {F} if not',
      'Your program should output {T} if no number is smaller than the one before it, else {F}',
      'Given the line, write out {F} if some number is smaller than the number right before it, else {T}',
    ],
  },
  pools: { A: { train: ['YES/NO', 'Yes/No', 'yes/no'], heldout: ['TRUE/FALSE', 'Y/N'], novel: ['OK/NOT', 'T/F', 'ok/bad'] } },
  show: ({ A }) => ({ T: A.split('/')[0] ?? '', F: A.split('/')[1] ?? '' }),
  solve: ({ A }) => p(`print('${yes(A)}' if a==sorted(a) else '${no(A)}')`),
  bugs: [
    ({ A }) => p(`print('${no(A)}' if a==sorted(a) else '${yes(A)}')`),
    ({ A }) => p(`print('${yes(A)}' if a[0]<=a[-1] else '${no(A)}')`),
    () => p('print(a==sorted(a))'),
  ],
  input: (rng) => {
    // A third sorted, a third sorted but for one swapped neighbour pair, a third anything.
    const a = intList(rng, { lo: 0, hi: 20 });
    const kind = rng();
    if (kind < 0.67) a.sort((x, y) => x - y);
    const i = int(rng, 0, a.length - 2);
    if (kind >= 0.33 && kind < 0.67 && i >= 0) [a[i], a[i + 1]] = [a[i + 1] ?? 0, a[i] ?? 0];
    return line(a);
  },
  edges: () => [line([5]), line([2, 2, 2]), line([1, 5, 3, 7]), line([3, 2])],
});

/** The first word of a `T/F` answer pair. */
export function yes(pair: string): string {
  return pair.split('/')[0] ?? '';
}

/** The second word of a `T/F` answer pair. */
export function no(pair: string): string {
  return pair.split('/')[1] ?? '';
}

/** The list-arithmetic families. */
export const LIST_FAMILIES: readonly Family[] = [
  sumAbove, prodMod, rangeSpan, countMultiples, meanFloor, countBelow,
  sumFirstK, kthLargest, smallestK, scaleShift, indexOfMax, isSorted,
];
