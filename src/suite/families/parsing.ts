/** Parsing small structured lines: two numbers around a separator, key=value pairs, lists, times. */
import { defineFamily, type Family } from '../family.ts';
import { int, intList, line, pick } from '../random.ts';
import { IO, READ_STR, program } from './common.ts';

const GROUP = 'parsing';

const sepSum = defineFamily<{ S: string }>(GROUP, {
  name: 'sep_sum',
  io: IO.pairToInt,
  templates: {
    train: [
      "The line holds two numbers separated by '{S}', like 3{S}4; print their sum",
      "Read two integers written as a{S}b and output a+b",
      "Parse the two numbers on either side of '{S}' and print their total",
      'Read a{S}b and print the sum of a and b',
    ],
    heldout: ["Two integers are glued together by '{S}'; add them and print the result", 'The input is a{S}b for two integers a and b; output their sum'],
    fresh: [
      "Print the sum of the two integers split by '{S}' on the line",
      "Your program should split the input a{S}b at '{S}' and output a plus b",
      'Given a{S}b on the line, write out the total of the numbers a and b',
    ],
  },
  pools: { S: { train: ['+', ',', ';', '|', '#'], heldout: [':', '/', '&'], novel: ['*', '_', '@', '%'] } },
  solve: ({ S }) => program(`a,b=map(int,input().split('${S}'))`, 'print(a+b)'),
  bugs: [
    ({ S }) => program(`a,b=map(int,input().split('${S}'))`, 'print(a-b)'),
    ({ S }) => program(`a,b=map(int,input().split('${S}'))`, 'print(a*b)'),
    ({ S }) => program(`a,b=input().split('${S}')`, 'print(a+b)'),
  ],
  input: (rng, { S }) => line([int(rng, 0, 99), int(rng, 0, 99)], S),
  edges: ({ S }) => [line([0, 0], S), line([2, 2], S), line([1, 10], S), line([100, 5], S)],
});

const KEYS = [...'abcdefghkmprtxyz'];

const kvLookup = defineFamily<{ K: string }>(GROUP, {
  name: 'kv_lookup',
  io: IO.pairsToValue,
  templates: {
    train: [
      "The line has pairs like a=5; print the value of the key '{K}'",
      "Read key=value pairs and output the value stored under '{K}'",
      "Find the pair whose key is '{K}' and print its value",
      "Print the value of key '{K}' from the key=value pairs",
    ],
    heldout: ["Given entries written key=value, look up '{K}' and print what it maps to", "Output the value paired with the key '{K}' in the list of key=value items"],
    fresh: [
      "Determine the value associated with the key '{K}' among the key=value pairs and print it",
      "Your program should search the key=value pairs for the key '{K}' and output its value",
      "Given the line of key=value pairs, write out the value whose key is '{K}'",
    ],
  },
  pools: { K: { train: ['a', 'b', 'c', 'x', 'k'], heldout: ['d', 'y', 'm'], novel: ['e', 'p', 'z', 'q'] } },
  solve: ({ K }) => program("d=dict(x.split('=') for x in input().split())", `print(d['${K}'])`),
  bugs: [
    () => program(READ_STR, "print(s.split()[0].split('=')[1])"),
    () => program(READ_STR, "print(s.split('=')[-1])"),
    ({ K }) => program("d=dict(x.split('=') for x in input().split())", `print('${K}='+d['${K}'])`),
  ],
  input: (rng, { K }) => {
    const keys = [K, ...KEYS.filter((k) => k !== K && rng() < 0.25)].slice(0, 5);
    for (let i = keys.length - 1; i > 0; i -= 1) {
      const j = int(rng, 0, i);
      [keys[i], keys[j]] = [keys[j] ?? '', keys[i] ?? ''];
    }
    return line(keys.map((k) => `${k}=${int(rng, 0, 99)}`));
  },
  edges: ({ K }) => [line([`${K}=7`]), line([`${K}=0`, 'q=5']), line(['q=5', `${K}=12`, 'z=3'])],
});

const sepMax = defineFamily<{ S: string }>(GROUP, {
  name: 'sep_max',
  io: IO.listToInt,
  templates: {
    train: [
      "The numbers are separated by '{S}'; print the largest",
      "Read integers joined with '{S}' and output the maximum",
      "Split the line at each '{S}' and print the biggest number",
      "Print the maximum of the numbers separated by '{S}'",
    ],
    heldout: ["Given a list of integers delimited by '{S}', print the greatest one", "Output the maximum of the integers written with '{S}' between them"],
    fresh: [
      "Determine the largest of the integers separated by '{S}' and print it",
      "Your program should split the line on '{S}' and output the largest number",
      "Given integers with '{S}' between neighbouring ones, write out the maximum value",
    ],
  },
  pools: { S: { train: [',', ';', '|', '#'], heldout: ['/', ':', '&'], novel: ['+', '_', '@', '*'] } },
  solve: ({ S }) => program(`a=list(map(int,input().split('${S}')))`, 'print(max(a))'),
  bugs: [
    ({ S }) => program(`print(max(input().split('${S}')))`),
    ({ S }) => program(`a=list(map(int,input().split('${S}')))`, 'print(min(a))'),
    ({ S }) => program(`a=list(map(int,input().split('${S}')))`, 'print(a[-1])'),
  ],
  input: (rng, { S }) => line(intList(rng, { lo: 0, hi: 150, minLen: 2 }), S),
  edges: ({ S }) => [line([5]), line([9, 10], S), line([100, 99, 8], S), line([3, 3], S)],
});

const timeToMinutes = defineFamily<Record<string, never>>(GROUP, {
  name: 'time_to_minutes',
  io: IO.timeToInt,
  templates: {
    train: [
      'The input is a time of day h:m; print how many minutes have passed since midnight',
      'Convert the time h:m into a number of minutes and output it',
      'Read hours and minutes written as h:m and print the total minutes',
      'Print the number of minutes since midnight for the time h:m',
    ],
    heldout: ['Given a clock time h:m, output the minutes elapsed since 0:00', 'Output the number of minutes from midnight to the time h:m'],
    fresh: [
      'Determine how many minutes after midnight the time h:m is and print that number',
      'Your program should convert the clock time h:m to minutes past midnight, that is h*60+m, and output it',
      'Turn the hours and minutes in h:m into a single count of minutes since the start of the day and print it',
    ],
  },
  pools: {},
  solve: () => program("h,m=map(int,input().split(':'))", 'print(h*60+m)'),
  bugs: [
    () => program("h,m=map(int,input().split(':'))", 'print(h*60-m)'),
    () => program("h,m=map(int,input().split(':'))", 'print(h*100+m)'),
    () => program("h,m=map(int,input().split(':'))", 'print(h+m*60)'),
  ],
  input: (rng) => `${int(rng, 0, 23)}:${pick(rng, ['0', '05', '10', '15', '30', '45', '59', String(int(rng, 10, 59))])}\n`,
  edges: () => ['0:00\n', '0:59\n', '1:00\n', '23:59\n'],
});

/** The parsing families. */
export const PARSING_FAMILIES: readonly Family[] = [sepSum, kvLookup, sepMax, timeToMinutes];
