/** Re-formatting words and numbers: separators, numbering, padding, order, repetition. */
import { defineFamily, type Family } from '../family.ts';
import { line, word, words } from '../random.ts';
import { IO, READ_STR, READ_WORDS, program } from './common.ts';

const GROUP = 'formatting';

const joinSep = defineFamily<{ S: string }>(GROUP, {
  name: 'join_sep',
  io: IO.wordsToLine,
  templates: {
    train: [
      "Print the words joined by '{S}' instead of spaces",
      "Output the words of the line separated by '{S}'",
      "Join all the words with the separator '{S}' and print the result",
      "Print the words separated by '{S}'",
    ],
    heldout: ["Put '{S}' between consecutive words (and nowhere else) and print", "Output the words with '{S}' between each pair of neighbours"],
    fresh: [
      "Your program should glue the words together using '{S}' as the delimiter and print the resulting line",
      "Given the line, replace each space between words with '{S}' and write out the result",
      "Determine the string formed by connecting all the words with '{S}' and print it",
    ],
  },
  pools: { S: { train: ['-', ',', '+', '|', '_'], heldout: ['/', '*', ':'], novel: [';', '#', '&', '.'] } },
  solve: ({ S }) => program(READ_WORDS, `print('${S}'.join(w))`),
  bugs: [
    ({ S }) => program(READ_STR, `print('${S}'.join(s))`),
    () => program(READ_WORDS, 'print(*w)'),
    ({ S }) => program(READ_WORDS, `print('${S}'.join(w)+'${S}')`),
  ],
  input: (rng) => line(words(rng, 2, 5, 5)),
  edges: () => [line(['a']), line(['ab', 'c']), line(['x', 'y', 'z'])],
});

const numberWords = defineFamily<{ K: number }>(GROUP, {
  name: 'number_words',
  io: 'Input: one line of words. Output: lines "number word"',
  templates: {
    train: [
      'Print each word on its own line, preceded by its number, counting from {K}',
      'Number the words starting at {K}: print one line "i word" per word',
      'Output every word on a separate line after its index, where the first word has index {K}',
      'Print each word on its own line after its number, starting from {K}',
    ],
    heldout: ['List the words one per line, each prefixed by a counter that begins at {K}', 'Print one line per word: a running number starting at {K}, then the word'],
    fresh: [
      'Your program should output one line per word: its number, then the word, numbering from {K}',
      'Write out each word on a separate line as "n word", where n starts at {K} and grows by 1',
      "Print each word's number and the word itself, one pair per line, with numbering from {K}",
    ],
  },
  pools: { K: { train: [0, 1, 10, 100], heldout: [2, 5], novel: [3, 7, 20] } },
  solve: ({ K }) => program(READ_WORDS, `for i,x in enumerate(w,${K}):print(i,x)`),
  bugs: [
    ({ K }) => program(READ_WORDS, `for i,x in enumerate(w,${K + 1}):print(i,x)`),
    ({ K }) => program(READ_WORDS, `for i,x in enumerate(w,${K}):print(x,i)`),
    ({ K }) => program(READ_WORDS, `for i,x in enumerate(w,${K}):print(i)`),
  ],
  input: (rng) => line(words(rng, 1, 4, 5)),
  edges: () => [line(['a']), line(['b', 'c'])],
});

const padLeft = defineFamily<{ K: number; C: string }>(GROUP, {
  name: 'pad_left',
  io: IO.textToText,
  templates: {
    train: [
      "Pad the text on the left with '{C}' characters to a width of {K} and print it",
      "Print the word right-aligned in a field of width {K}, filled with '{C}'",
      "Add '{C}' in front of the string until it is {K} characters long, then output it",
      "Print the string padded on the left with '{C}' to length {K}",
    ],
    heldout: [
      "Output the line preceded by enough '{C}' symbols to make its length at least {K}",
      "Right-justify the string to {K} characters using '{C}' as the fill and print it",
    ],
    fresh: [
      "Your program should prepend '{C}' to the string until its length reaches {K}, then print it",
      "Write the line aligned right in {K} columns, with '{C}' filling the space on the left",
      "Print the string left-padded with '{C}' as filler up to {K} characters",
    ],
  },
  pools: { K: { train: [3, 5, 8], heldout: [4, 6], novel: [7, 9, 10] }, C: { train: ['*', '.', '#'], heldout: ['-', '='], novel: ['+', '~', '_'] } },
  solve: ({ K, C }) => program(READ_STR, `print(s.rjust(${K},'${C}'))`),
  bugs: [
    ({ K }) => program(READ_STR, `print(s.rjust(${K}))`),
    ({ K, C }) => program(READ_STR, `print(s.ljust(${K},'${C}'))`),
    ({ K, C }) => program(READ_STR, `print(s.rjust(${K - 1},'${C}'))`),
  ],
  input: (rng, { K }) => line([word(rng, { minLen: 1, maxLen: K + 1 })]),
  edges: ({ K }) => [line(['a']), line(['abcdefghij'.slice(0, K)]), line(['abcdefghijk'.slice(0, K + 2)])],
});

const reverseWords = defineFamily<Record<string, never>>(GROUP, {
  name: 'reverse_words',
  io: IO.wordsToLine,
  templates: {
    train: ['Print the words of the line in reverse order', 'Output the words from last to first, separated by spaces', 'Reverse the order of the words and print them', 'Print the words in reverse order'],
    heldout: ['Write the given words backwards, keeping each word itself unchanged', 'Print the words of the sentence in opposite order'],
    fresh: [
      'Your program should output the same words, but starting with the last and ending with the first',
      'Given the line, write out its words in backward order, separated by spaces',
      'Determine the reversed sequence of words and print it',
    ],
  },
  pools: {},
  solve: () => program(READ_WORDS, 'print(*w[::-1])'),
  bugs: [() => program(READ_STR, 'print(s[::-1])'), () => program(READ_WORDS, 'print(*w)'), () => program(READ_WORDS, 'print(*w[:0:-1])')],
  input: (rng) => line(words(rng, 2, 5, 5)),
  edges: () => [line(['ab']), line(['a', 'b']), line(['x', 'y', 'x'])],
});

const repeatLine = defineFamily<{ K: number }>(GROUP, {
  name: 'repeat_word',
  io: 'Input: one word. Output: one line',
  templates: {
    train: [
      'Print the word {K} times on one line, separated by spaces',
      'Output {K} copies of the input word with a space between them',
      'Repeat the given word {K} times, space-separated, and print it',
      'Print the word {K} times, separated by spaces',
    ],
    heldout: ['Write the word out {K} times in a row with single spaces in between', 'Output the word {K} times on a single line with spaces between'],
    fresh: [
      'Your program should output the given word exactly {K} times on one line, with a single space between copies',
      'Given the word, write it out {K} times on the same line, separated by spaces',
      'Compute a line made of {K} space-separated repetitions of the word and print it',
    ],
  },
  pools: { K: { train: [2, 3, 5], heldout: [4, 6], novel: [7, 8] } },
  solve: ({ K }) => program(READ_STR, `print(*[s]*${K})`),
  bugs: [
    ({ K }) => program(READ_STR, `print(*[s]*${K - 1})`),
    ({ K }) => program(READ_STR, `print(s*${K})`),
    ({ K }) => program(READ_STR, `print(*[s]*${K + 1})`),
  ],
  input: (rng) => line([word(rng, { minLen: 1, maxLen: 6 })]),
  edges: () => [line(['a']), line(['hello'])],
});

const acronym = defineFamily<Record<string, never>>(GROUP, {
  name: 'acronym',
  io: IO.wordsToLine,
  templates: {
    train: [
      'Print the first letters of the words joined together, in upper case',
      'Make an acronym from the initials of the words and output it in capitals',
      'Output the uppercase initial of each word, with no spaces',
      'Print the first letter of every word, in upper case, joined together',
    ],
    heldout: ['Concatenate the capitalized first letters of all words and print them', 'Output the initial letter of each word, capitalized and joined together'],
    fresh: [
      'Your program should print the upper-cased first letters of the words with no spaces',
      'Write out the acronym made of the capitalized initials of the words, without separators',
      'Determine the upper-case initials of all the words and print them as one word',
    ],
  },
  pools: {},
  solve: () => program(READ_WORDS, "print(''.join(x[0] for x in w).upper())"),
  bugs: [
    () => program(READ_WORDS, "print(''.join(x[0] for x in w))"),
    () => program(READ_WORDS, "print(''.join(x[-1] for x in w).upper())"),
    () => program(READ_WORDS, 'print(*[x[0].upper() for x in w])'),
  ],
  input: (rng) => line(words(rng, 2, 5, 6)),
  edges: () => [line(['a']), line(['ab', 'cd']), line(['x', 'yz', 'x'])],
});

/** The formatting families. */
export const FORMATTING_FAMILIES: readonly Family[] = [joinSep, numberWords, padLeft, reverseWords, repeatLine, acronym];
