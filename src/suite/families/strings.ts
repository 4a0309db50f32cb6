/** Transforms of one line of lowercase letters: slicing, case, replacement, shifting. */
import { defineFamily, type Family } from '../family.ts';
import { line, word } from '../random.ts';
import { IO, READ_STR, ordinal, program } from './common.ts';
import { no, yes } from './lists.ts';

const GROUP = 'strings';
const p = (...body: readonly string[]): string => program(READ_STR, ...body);

const reverse = defineFamily<Record<string, never>>(GROUP, {
  name: 'reverse_text',
  io: IO.textToText,
  templates: {
    train: ['Print the text reversed', 'Output the characters of the line in reverse order', 'Read a string and print it backwards', 'Print the string in reverse'],
    heldout: ['Write the given letters from last to first', 'Output the string with its characters in opposite order'],
    fresh: [
      'Determine the reversal of the string and print it',
      'Your program should output the text read from its last character to its first',
      'Given the line, write out its characters in backward order',
    ],
  },
  pools: {},
  solve: () => p('print(s[::-1])'),
  bugs: [() => p('print(s[:0:-1])'), () => p('print(s[-2::-1])'), () => p('print(*s[::-1])')],
  input: (rng) => line([word(rng, { minLen: 2, maxLen: 10 })]),
  edges: () => [line(['a']), line(['ab']), line(['aba']), line(['abcdef'])],
});

const upperFirstK = defineFamily<{ K: number }>(GROUP, {
  name: 'upper_first_k',
  io: IO.textToText,
  templates: {
    train: [
      'Print the text with its first {K} characters in upper case',
      'Capitalize the first {K} letters of the string and output it',
      'Turn the leading {K} characters into capitals and print the result',
      'Print the string with the first {K} letters changed to upper case',
    ],
    heldout: ['Output the line after converting its initial {K} letters to uppercase', 'Make the first {K} characters capital letters and output the line'],
    fresh: [
      'Your program should upper-case the first {K} characters, leaving the rest as is',
      'Given the line, write it out with its opening {K} letters uppercased',
      'Determine the string obtained by capitalizing only its first {K} characters and print it',
    ],
  },
  pools: { K: { train: [2, 3, 5, 7], heldout: [4, 6], novel: [1, 8, 9] } },
  solve: ({ K }) => p(`print(s[:${K}].upper()+s[${K}:])`),
  bugs: [
    ({ K }) => p(`print(s[:${K + 1}].upper()+s[${K + 1}:])`),
    ({ K }) => p(`print(s[:${K}].upper())`),
    () => p('print(s.upper())'),
  ],
  input: (rng, { K }) => line([word(rng, { minLen: K + 1, maxLen: K + 6 })]),
  edges: ({ K }) => [line(['abcdefghij'.slice(0, K)]), line(['a']), line(['abcdefghij'])],
});

const replaceChar = defineFamily<{ X: string; Y: string }>(GROUP, {
  name: 'replace_char',
  io: IO.textToText,
  templates: {
    train: [
      "Replace every '{X}' in the text with '{Y}' and print it",
      "Print the string with each letter '{X}' changed to '{Y}'",
      "Output the line after substituting '{Y}' for all occurrences of '{X}'",
      "Print the text with every '{X}' replaced by '{Y}'",
    ],
    heldout: ["Change all the '{X}' characters into '{Y}' characters and print the result", "Output the text where each '{X}' has been swapped for '{Y}'"],
    fresh: [
      "Your program should turn each '{X}' in the string into '{Y}' and output the result",
      "Given the line, write it out with '{Y}' in place of every '{X}'",
      "Determine the text obtained by replacing all occurrences of '{X}' with '{Y}' and print it",
    ],
  },
  pools: { X: { train: ['a', 'e', 'o', 's', 't', 'n'], heldout: ['i', 'l', 'u'], novel: ['r', 'c', 'd', 'm'] }, Y: { train: ['x', 'z', 'q', 'k', 'b'], heldout: ['j', 'v', 'w'], novel: ['f', 'g', 'h', 'p', 'y'] } },
  solve: ({ X, Y }) => p(`print(s.replace('${X}','${Y}'))`),
  bugs: [
    ({ X, Y }) => p(`print(s.replace('${Y}','${X}'))`),
    ({ X, Y }) => p(`print(s.replace('${X}','${Y}',1))`),
    ({ X }) => p(`print(s.replace('${X}',''))`),
  ],
  input: (rng, { X, Y }) => line([word(rng, { minLen: 2, maxLen: 10, inject: `${X}${X}${Y}` })]),
  edges: ({ X, Y }) => [line([X]), line([`${Y}${Y}`]), line(['cd']), line([`${X}${Y}${X}`])],
});

const rotateLeft = defineFamily<{ K: number }>(GROUP, {
  name: 'rotate_left',
  io: IO.textToText,
  templates: {
    train: [
      'Rotate the string left by {K} characters and print it',
      'Move the first {K} characters to the end of the text and output the result',
      'Print the line shifted cyclically to the left by {K} positions',
      'Print the string rotated to the left by {K}',
    ],
    heldout: ['Take the first {K} letters off the front, append them at the back, and print', 'Print the string cyclically rotated by {K} characters to the left'],
    fresh: [
      'Your program should cut off the first {K} characters and print them after the rest',
      'Given the line, write out the rest of the string followed by its first {K} characters',
      'Determine the left rotation of the string by {K} characters and print it',
    ],
  },
  pools: { K: { train: [2, 3, 5, 7], heldout: [4, 6], novel: [1, 8] } },
  solve: ({ K }) => p(`print(s[${K}:]+s[:${K}])`),
  bugs: [
    ({ K }) => p(`print(s[-${K}:]+s[:-${K}])`),
    ({ K }) => p(`print(s[${K}:])`),
    ({ K }) => p(`print(s[${K - 1}:]+s[:${K - 1}])`),
  ],
  input: (rng, { K }) => line([word(rng, { minLen: K + 1, maxLen: K + 7 })]),
  edges: ({ K }) => [line(['abcdefghijklmnop'.slice(0, K + 1)]), line(['xy'.repeat(K + 1)]), line(['abcdefghijkl'])],
});

const everyKth = defineFamily<{ K: number }>(GROUP, {
  name: 'every_kth',
  io: IO.textToText,
  templates: {
    train: [
      'Print every {KTH} character of the text, starting with the first',
      'Output the characters at positions 1, 1+{K}, 1+2*{K}, and so on',
      'Keep the first character and then every {KTH} one after it; print them together',
      'Print the characters at indices 0, {K}, 2*{K}, ... of the string',
    ],
    heldout: ['Starting from the first letter, take one letter out of every {K} and print them', 'Output the letters whose 0-based index is a multiple of {K}'],
    fresh: [
      'Your program should output the first character and every {KTH} one after it, joined',
      'Given the line, write out the characters at 1-based positions 1, {K}+1, 2*{K}+1, and so on',
      'Print the characters met by starting at the first one and jumping ahead {K} at a time',
    ],
  },
  pools: { K: { train: [2, 3, 5], heldout: [4, 6], novel: [7, 8] } },
  show: ({ K }) => ({ KTH: ordinal(K) }),
  solve: ({ K }) => p(`print(s[::${K}])`),
  bugs: [({ K }) => p(`print(s[${K}::${K}])`), ({ K }) => p(`print(s[${K - 1}::${K}])`), ({ K }) => p(`print(s[::${K + 1}])`)],
  input: (rng, { K }) => line([word(rng, { minLen: K + 1, maxLen: 4 * K + 2 })]),
  edges: ({ K }) => [line(['a']), line(['abcdefghijklmnopqrstuvwxyz'.slice(0, 2 * K + 1)]), line(['abcdefghijklmnopqrst'])],
});

const repeatChars = defineFamily<{ K: number }>(GROUP, {
  name: 'repeat_chars',
  io: IO.textToText,
  templates: {
    train: [
      'Print the text with every character repeated {K} times',
      'Write each letter of the string {K} times in a row and output the result',
      "Output the line where each character c is replaced by {K} copies of c",
      'Print the string with each character repeated {K} times',
    ],
    heldout: ['Duplicate every letter so that it appears {K} times consecutively, then print', 'Output the string with each character written {K} times'],
    fresh: [
      'Your program should replace each character with {K} copies of itself and print the result',
      'Write out each character of the line {K} times in a row, keeping the order',
      'Print the string in which every character of the input appears {K} times back to back',
    ],
  },
  pools: { K: { train: [2, 3, 5], heldout: [4, 6], novel: [7, 8] } },
  solve: ({ K }) => p(`print(''.join(c*${K} for c in s))`),
  bugs: [({ K }) => p(`print(s*${K})`), ({ K }) => p(`print(''.join(c*${K - 1} for c in s))`), ({ K }) => p(`print(*[c*${K} for c in s])`)],
  input: (rng) => line([word(rng, { minLen: 2, maxLen: 6 })]),
  edges: () => [line(['a']), line(['ab']), line(['zzz'])],
});

const lastK = defineFamily<{ K: number }>(GROUP, {
  name: 'last_k',
  io: IO.textToText,
  templates: {
    train: [
      'Print the last {K} characters of the text',
      'Output the final {K} letters of the string',
      'Print only the ending of the line made of its last {K} characters',
      'Print the final {K} characters of the string',
    ],
    heldout: ['Give the {K} characters at the end of the string', 'Output the string made of the final {K} characters of the line'],
    fresh: [
      'Your program should output only the trailing {K} characters of the text',
      'Given the line, write out its suffix of length {K}',
      'Determine the ending of the string that is {K} characters long and print it',
    ],
  },
  pools: { K: { train: [2, 3, 5, 7], heldout: [4, 6], novel: [1, 8, 9] } },
  solve: ({ K }) => p(`print(s[-${K}:])`),
  bugs: [({ K }) => p(`print(s[-${K + 1}:])`), ({ K }) => p(`print(s[:${K}])`), ({ K }) => p(`print(s[${K}:])`)],
  input: (rng, { K }) => line([word(rng, { minLen: K + 1, maxLen: K + 7 })]),
  edges: ({ K }) => [line(['abcdefghij'.slice(0, K)]), line(['abcdefghijk'.slice(0, K + 1)]), line(['zyxwvutsrqponm'])],
});

const removeChar = defineFamily<{ X: string }>(GROUP, {
  name: 'remove_char',
  io: IO.textToText,
  templates: {
    train: [
      "Delete every '{X}' from the text and print what is left",
      "Print the string without any letter '{X}'",
      "Remove all occurrences of '{X}' and output the line",
      "Print the text with all '{X}' characters removed",
    ],
    heldout: ["Output the given letters after erasing each '{X}'", "Print the line with all '{X}' characters taken out"],
    fresh: [
      "Your program should output the text with every '{X}' left out",
      "Given the line, drop each occurrence of the letter '{X}' and write out the rest in order",
      "Determine the string that remains once all '{X}' letters are deleted and print it",
    ],
  },
  pools: { X: { train: ['a', 'e', 'o', 's', 't'], heldout: ['i', 'u', 'l'], novel: ['r', 'n', 'c', 'd'] } },
  solve: ({ X }) => p(`print(s.replace('${X}',''))`),
  bugs: [
    ({ X }) => p(`print(s.replace('${X}','',1))`),
    ({ X }) => p(`print(s.strip('${X}'))`),
    ({ X }) => p(`print(s.replace('${X}',' '))`),
  ],
  input: (rng, { X }) => line([word(rng, { minLen: 2, maxLen: 10, inject: X })]),
  edges: ({ X }) => [line([`b${X}c`]), line([`${X}b${X}`]), line(['bcd']), line([`${X}${X}c${X}d`])],
});

const caesar = defineFamily<{ K: number }>(GROUP, {
  name: 'caesar',
  io: IO.textToText,
  templates: {
    train: [
      'Shift every letter {K} places forward in the alphabet (z wraps to a) and print',
      "Apply a Caesar shift of {K} to the lowercase text and output it",
      'Replace each letter by the one {K} positions later, wrapping around after z',
      'Print the word with each letter shifted forward by {K}, wrapping around from z to a',
    ],
    heldout: ['Encode the word by moving each letter {K} steps ahead in the alphabet, cyclically', 'Output the text with each letter advanced by {K} in the alphabet, wrapping z to a'],
    fresh: [
      'Move each letter {K} positions forward in the alphabet, wrapping from z to a, and print it',
      'Write out the Caesar cipher of the line with shift {K}, letters past z continuing from a',
      'Print the text with every letter replaced by the one {K} places later, cycling after z',
    ],
  },
  pools: { K: { train: [2, 3, 5, 9, 13], heldout: [4, 7], novel: [1, 6, 8, 11] } },
  solve: ({ K }) => p(`print(''.join(chr((ord(c)-97+${K})%26+97) for c in s))`),
  bugs: [
    ({ K }) => p(`print(''.join(chr((ord(c)-97-${K})%26+97) for c in s))`),
    ({ K }) => p(`print(''.join(chr(ord(c)+${K}) for c in s))`),
    ({ K }) => p(`print(''.join(chr((ord(c)-97+${K})%25+97) for c in s))`),
  ],
  input: (rng) => line([word(rng, { minLen: 2, maxLen: 8, inject: 'xyz' })]),
  edges: () => [line(['a']), line(['z']), line(['xyz']), line(['abc'])],
});

const palindrome = defineFamily<{ A: string }>(GROUP, {
  name: 'palindrome',
  io: IO.textToWord,
  templates: {
    train: [
      'Print {T} if the text reads the same backwards, otherwise {F}',
      'Output {T} when the string is a palindrome and {F} when it is not',
      'Check whether the word equals its reverse; print {T} or {F}',
      'Print {T} if the string is a palindrome, otherwise print {F}',
    ],
    heldout: ['If the letters form a palindrome print {T}, else print {F}', 'Print {T} if reversing the string leaves it unchanged, and {F} otherwise'],
    fresh: [
      'Determine whether the string reads the same from right to left; print {T} if so, {F} if not',
      'Your program should output {T} for a palindrome and {F} for any other string',
      'Given the line, write out {F} if reversing it gives a different string, otherwise {T}',
    ],
  },
  pools: { A: { train: ['YES/NO', 'Yes/No', 'yes/no'], heldout: ['TRUE/FALSE', 'Y/N'], novel: ['OK/NOT', 'T/F', 'ok/bad'] } },
  show: ({ A }) => ({ T: yes(A), F: no(A) }),
  solve: ({ A }) => p(`print('${yes(A)}' if s==s[::-1] else '${no(A)}')`),
  bugs: [
    ({ A }) => p(`print('${no(A)}' if s==s[::-1] else '${yes(A)}')`),
    ({ A }) => p(`print('${yes(A)}' if s[0]==s[-1] else '${no(A)}')`),
    () => p('print(s==s[::-1])'),
  ],
  input: (rng) => {
    // Palindromes, near misses that only agree at the ends, and anything.
    const half = word(rng, { minLen: 1, maxLen: 4, alphabet: 'abc' });
    const flah = [...half].reverse().join('');
    const kind = rng();
    if (kind < 0.3) return line([half + flah]);
    if (kind < 0.45) return line([`${half}x${flah}`]);
    if (kind < 0.7) return line([`${half}ab${flah}`]);
    return line([word(rng, { minLen: 2, maxLen: 6, alphabet: 'abc' })]);
  },
  edges: () => [line(['a']), line(['ab']), line(['abca']), line(['abba'])],
});

/** The string-transform families. */
export const STRING_FAMILIES: readonly Family[] = [
  reverse, upperFirstK, replaceChar, rotateLeft, everyKth, repeatChars, lastK, removeChar, caesar, palindrome,
];
