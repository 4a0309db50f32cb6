/** Counting over text and words: vowels, a given letter, words, digits, digit sums, distinct values. */
import { defineFamily, type Family } from '../family.ts';
import { int, intLine, line, word, words } from '../random.ts';
import { IO, READ_INT, READ_INTS, READ_STR, READ_WORDS, program } from './common.ts';

const GROUP = 'counting';

const countVowels = defineFamily<Record<string, never>>(GROUP, {
  name: 'count_vowels',
  io: IO.textToInt,
  templates: {
    train: [
      'Print how many vowels (a, e, i, o, u) the text contains',
      'Count the letters of the string that are vowels and output the count',
      'Output the number of characters among a, e, i, o, u in the line',
      'Print the number of vowels a, e, i, o, u in the string',
    ],
    heldout: ['Tell how many of the letters are vowels a, e, i, o or u', 'Output the count of vowel letters (a, e, i, o, u) in the string'],
    fresh: [
      'Determine how many characters of the line are one of the vowels a, e, i, o, u and print that number',
      'Your program should output the total number of vowels (a, e, i, o, u) found in the text',
      'Compute how many letters in the given string belong to the set a, e, i, o, u and print it',
    ],
  },
  pools: {},
  solve: () => program(READ_STR, "print(len([c for c in s if c in 'aeiou']))"),
  bugs: [
    () => program(READ_STR, "print(len([c for c in s if c in 'aeio']))"),
    () => program(READ_STR, "print(len([c for c in s if c not in 'aeiou']))"),
    () => program(READ_STR, "print(len(set(c for c in s if c in 'aeiou')))"),
  ],
  input: (rng) => line([word(rng, { minLen: 2, maxLen: 12, inject: 'aeiouu' })]),
  edges: () => [line(['bcd']), line(['u']), line(['aaa']), line(['queue'])],
});

const countChar = defineFamily<{ C: string }>(GROUP, {
  name: 'count_char',
  io: IO.textToInt,
  templates: {
    train: [
      "Print how many times the letter '{C}' occurs in the text",
      "Count the occurrences of '{C}' in the string and output the count",
      "Output the number of '{C}' characters in the line",
      "Print the count of '{C}' in the string",
    ],
    heldout: ["How often does '{C}' appear in the given word? Print the number", "Print the number of times the character '{C}' is present in the string"],
    fresh: [
      "Determine how many characters of the line equal '{C}' and print that number",
      "Your program should report the number of occurrences of the letter '{C}' in the given text",
      "Compute how often '{C}' shows up in the string and write out the result",
    ],
  },
  pools: { C: { train: ['a', 'b', 'e', 'o', 'r', 's'], heldout: ['c', 'n', 'x'], novel: ['d', 'i', 'l', 't', 'u'] } },
  solve: ({ C }) => program(READ_STR, `print(s.count('${C}'))`),
  bugs: [
    ({ C }) => program(READ_STR, `print(s.find('${C}'))`),
    ({ C }) => program(READ_STR, `print(len(s)-s.count('${C}'))`),
    ({ C }) => program(READ_STR, `print(s.count('${C}')>0)`),
  ],
  input: (rng, { C }) => line([word(rng, { minLen: 1, maxLen: 10, inject: C })]),
  edges: ({ C }) => [line([C]), line(['dfg']), line([`${C}${C}${C}`]), line([`d${C}d${C}`])],
});

const countWords = defineFamily<Record<string, never>>(GROUP, {
  name: 'count_words',
  io: IO.wordsToInt,
  templates: {
    train: ['Print the number of words in the line', 'Count the words of the sentence and output the count', 'Output how many space-separated words there are', 'Print how many words the line contains'],
    heldout: ['Tell how many words the given text has', 'Output the word count of the line'],
    fresh: [
      'Determine the number of space-separated words on the line and print it',
      'Your program should report how many words the given sentence consists of',
      'Compute the total number of words in the input line and output it',
    ],
  },
  pools: {},
  solve: () => program(READ_WORDS, 'print(len(w))'),
  bugs: [() => program(READ_STR, 'print(len(s))'), () => program(READ_STR, "print(s.count(' '))"), () => program(READ_WORDS, 'print(len(w[0]))')],
  input: (rng) => line(words(rng, 1, 7)),
  edges: () => [line(['a']), line(['hello']), line(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])],
});

const countLongWords = defineFamily<{ K: number }>(GROUP, {
  name: 'count_long_words',
  io: IO.wordsToInt,
  templates: {
    train: [
      'Print how many words are longer than {K} letters',
      'Count the words with more than {K} characters and output the count',
      'Output the number of words whose length exceeds {K}',
      'Print the number of words longer than {K} characters',
    ],
    heldout: ['Tell how many of the words have over {K} letters', 'Print the count of words that have more than {K} characters'],
    fresh: [
      'Determine how many words have a length strictly greater than {K} and print that number',
      'Your program should report the number of words made of more than {K} characters',
      'Compute the number of words whose character count is above {K} and write it out',
    ],
  },
  pools: { K: { train: [2, 3, 5, 7], heldout: [4, 6], novel: [1, 8, 9] } },
  solve: ({ K }) => program(READ_WORDS, `print(len([x for x in w if len(x)>${K}]))`),
  bugs: [
    ({ K }) => program(READ_WORDS, `print(len([x for x in w if len(x)>=${K}]))`),
    ({ K }) => program(READ_WORDS, `print(len([x for x in w if len(x)<${K}]))`),
    () => program(READ_WORDS, 'print(len(w))'),
  ],
  input: (rng, { K }) => line(words(rng, 1, 6, K + 4)),
  edges: ({ K }) => [line(['abcdefghij'.slice(0, K)]), line(['abcdefghijk'.slice(0, K + 1)]), line(['a', 'b'])],
});

const countDigits = defineFamily<Record<string, never>>(GROUP, {
  name: 'count_digits',
  io: IO.textToInt,
  templates: {
    train: ['Print how many digits the text contains', 'Count the characters 0-9 in the string and output the count', 'Output the number of decimal digits in the line', 'Print the number of digit characters in the string'],
    heldout: ['Tell how many of the characters are digits', 'Print the count of characters in the string that are digits 0 to 9'],
    fresh: [
      'Determine how many characters of the line are decimal digits and print that number',
      'Your program should report the number of characters from 0 to 9 found in the text',
      'Compute how many digit characters (0-9) occur in the given string and output it',
    ],
  },
  pools: {},
  solve: () => program(READ_STR, 'print(len([c for c in s if c.isdigit()]))'),
  bugs: [
    () => program(READ_STR, 'print(len([c for c in s if c.isalpha()]))'),
    () => program(READ_STR, 'print(len(s))'),
    () => program(READ_STR, 'print(sum(int(c) for c in s if c.isdigit()))'),
  ],
  input: (rng) => line([word(rng, { minLen: 2, maxLen: 10, alphabet: 'abcdefxyz0123456789' })]),
  edges: () => [line(['abc']), line(['7']), line(['00']), line(['a1b2c3'])],
});

const digitSum = defineFamily<Record<string, never>>(GROUP, {
  name: 'digit_sum',
  io: IO.intToInt,
  templates: {
    train: ['Print the sum of the digits of the number', 'Add up the decimal digits of n and output the total', 'Output the digit sum of the given integer', 'Print the sum of all digits of the given number'],
    heldout: ['Compute the total of all digits of the non-negative integer and print it', 'Output the total you get by adding all digits of the number'],
    fresh: [
      'Determine the sum obtained by adding together every digit of the given integer and print it',
      'Your program should report the total of the decimal digits of the input number',
      'Compute the digit sum of n and write it out',
    ],
  },
  pools: {},
  solve: () => program(READ_STR, 'print(sum(int(c) for c in s))'),
  bugs: [() => program(READ_INT, 'print(n%9)'), () => program(READ_STR, 'print(len(s))'), () => program(READ_INT, 'print(n%10)')],
  input: (rng) => line([int(rng, 10, 99_999)]),
  edges: () => [line([0]), line([7]), line([99]), line([100])],
});

const countDistinct = defineFamily<Record<string, never>>(GROUP, {
  name: 'count_distinct',
  io: IO.intsToInt,
  templates: {
    train: ['Print how many different values the numbers take', 'Count the distinct numbers and output the count', 'Output the number of unique integers in the line', 'Print the number of distinct values in the line'],
    heldout: ['Tell how many distinct values appear among the given integers', 'Output how many different numbers appear in the line'],
    fresh: [
      'Determine how many distinct integers occur on the line and print that number',
      'Your program should report the count of different values among the given numbers',
      'Compute how many unique values are present among the integers, ignoring repeats, and output it',
    ],
  },
  pools: {},
  solve: () => program(READ_INTS, 'print(len(set(a)))'),
  bugs: [
    () => program(READ_INTS, 'print(len(a))'),
    () => program(READ_INTS, 'print(len(set(a))-1)'),
    () => program(READ_INTS, 'print(len([x for x in a if a.count(x)==1]))'),
  ],
  input: (rng) => intLine(rng, { lo: 0, hi: 6, minLen: 2, maxLen: 8 }),
  edges: () => [line([1]), line([2, 2]), line([1, 2, 3]), line([4, 4, 5, 5])],
});

/** The counting families. */
export const COUNTING_FAMILIES: readonly Family[] = [
  countVowels, countChar, countWords, countLongWords, countDigits, digitSum, countDistinct,
];
