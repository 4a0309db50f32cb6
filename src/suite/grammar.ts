/**
 * A phrasing grammar (issue 8, session 13): rewrites a family's training template into one of many
 * paraphrases with family-agnostic rules, so a policy trained on the draws meets far more ways of
 * saying the same task than the four training templates. Two kinds of rule:
 *
 * - lexical: interchangeable words and phrases (`print` / `output` / `display`, `numbers` /
 *   `integers` / `values`, `larger than` / `greater than` / …), each occurrence swapped with
 *   probability {@link SWAP_RATE};
 * - a frame around the whole imperative (`Your program should …`, `Read the input and …`).
 *
 * Placeholders (`{K}`) and quoted text are never touched. A draw that equals one of the family's
 * held-out or fresh templates (after case and spacing are normalised) is drawn again, so no
 * held-out phrasing can appear in grammar problems; `test/unit/suite/grammar.test.ts` checks that
 * over many draws. Pure: the randomness comes from the given {@link Rng}.
 */
import { pick, type Rng } from './random.ts';

/** Chance that one occurrence of a lexical alternative is replaced by another of its group. */
export const SWAP_RATE = 0.6;

/** Draws per template before the grammar gives up and keeps the training template as it is. */
const MAX_DRAWS = 24;

/**
 * Groups of interchangeable phrases. `after` (a regular expression source) restricts a group to
 * occurrences followed by it: `first` means `leading` only before a placeholder, not in
 * "the first occurrence". Longer phrases are matched first.
 */
interface Group {
  readonly alternatives: readonly string[];
  readonly after?: string;
  /** A regular expression source the occurrence must follow (a lookbehind). */
  readonly before?: string;
  /** Words that, when they follow, rule the occurrence out ("maximum value" stays). */
  readonly notBefore?: string;
}

/** A masked placeholder or quoted literal, as it appears in the masked text. */
const MASK = '\u0000';

const GROUPS: readonly Group[] = [
  { alternatives: ['print', 'output', 'display', 'report', 'write out'] },
  { alternatives: ['it', 'the result', 'the answer'], before: '\\b(?:print|output|display|report|write out) ', after: '(?:$|[,;.])' },
  { alternatives: ['compute', 'calculate', 'find', 'determine', 'work out'] },
  { alternatives: ['remove', 'delete', 'drop', 'discard', 'get rid of'] },
  { alternatives: ['keep', 'retain'] },
  { alternatives: ['numbers', 'integers', 'values'] },
  { alternatives: ['largest', 'biggest', 'greatest'] },
  { alternatives: ['smallest', 'lowest'] },
  { alternatives: ['larger than', 'bigger than', 'greater than', 'more than', 'above', 'over'], after: ` ${MASK}` },
  { alternatives: ['smaller than', 'less than', 'lower than', 'below', 'under'], after: ` ${MASK}` },
  { alternatives: ['larger than', 'bigger than', 'greater than', 'more than'] },
  { alternatives: ['smaller than', 'less than', 'lower than'] },
  { alternatives: ['maximum', 'largest value'], notBefore: ' value' },
  { alternatives: ['minimum', 'smallest value'], notBefore: ' value' },
  { alternatives: ['the total', 'the sum'], after: '(?: of\\b| and\\b|,|$)' },
  { alternatives: ['the count', 'the number'], notBefore: ` ${MASK}` },
  { alternatives: ['each', 'every'] },
  { alternatives: ['the text', 'the string', 'the input text', 'the given string'] },
  { alternatives: ['the line', 'the input line', 'the given line'] },
  { alternatives: ['the words', 'the given words', 'all the words', 'the input words'] },
  { alternatives: ['in upper case', 'in uppercase', 'in capitals', 'in capital letters'] },
  { alternatives: ['in their original order', 'keeping their order', 'in the same order', 'in the order they appear'] },
  { alternatives: ['first', 'leading', 'initial'], after: ` ${MASK}` },
  { alternatives: ['last', 'final', 'trailing'], after: ` ${MASK}` },
  { alternatives: ['the numbers', 'the given numbers', 'all the numbers', 'the input numbers'] },
];

/** Each group with the pattern that finds its occurrences (longer alternatives first), built once. */
const PATTERNS: readonly (readonly [Group, RegExp])[] = GROUPS.map((group) => {
  const byLength = [...group.alternatives].sort((a, b) => b.length - a.length).map(escape);
  const before = group.before === undefined ? '' : `(?<=${group.before})`;
  const notBefore = group.notBefore === undefined ? '' : `(?!${escape(group.notBefore)})`;
  const after = group.after === undefined ? '' : `(?=${group.after})`;
  return [group, new RegExp(`${before}\\b(${byLength.join('|')})\\b${notBefore}${after}`, 'gi')];
});

/**
 * Frames around an imperative phrase; `{}` is the phrase with its first letter lowered. The bare
 * phrase comes first and is drawn most often.
 */
const FRAMES: readonly string[] = [
  '{}', '{}', '{}',
  'Your program should {}',
  'Read the input and {}',
  'Write a program to {}',
  'You must {}',
  'Given the input, {}',
  'Task: {}',
  'Please {}',
  'Write code that will {}',
  'Using the input, {}',
  'The task is to {}',
];

/** First words that make a phrase an imperative a frame can wrap. */
const IMPERATIVES = new Set([
  'add', 'apply', 'calculate', 'capitalize', 'check', 'compute', 'convert', 'count', 'delete', 'determine', 'discard',
  'display', 'drop', 'find', 'get', 'join', 'keep', 'list', 'make', 'move', 'multiply', 'output', 'pad', 'parse',
  'print', 'remove', 'repeat', 'replace', 'report', 'retain', 'reverse', 'rotate', 'shift', 'sort', 'split', 'sum',
  'turn', 'work', 'write',
]);

/** Case and spacing folded, final period dropped: how two phrasings are compared. */
export function normalisePhrase(phrase: string): string {
  return phrase.toLowerCase().replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim();
}

/**
 * One paraphrase of `template`, never one of `forbidden` (normalised with
 * {@link normalisePhrase}); the template itself when {@link MAX_DRAWS} draws all hit `forbidden`.
 */
export function paraphrase(template: string, rng: Rng, forbidden: ReadonlySet<string> = new Set()): string {
  for (let draw = 0; draw < MAX_DRAWS; draw += 1) {
    const candidate = drawOnce(template, rng);
    if (!forbidden.has(normalisePhrase(candidate))) return candidate;
  }
  return template;
}

function drawOnce(template: string, rng: Rng): string {
  const kept: string[] = [];
  // Placeholders and quoted literals are masked so no rule can reach into them.
  let text = template.replace(/'[^']*'|"[^"]*"|\{[A-Z]+\}/g, (m) => {
    kept.push(m);
    return `${MASK}${kept.length - 1}${MASK}`;
  });
  for (const [group, pattern] of PATTERNS) text = swapGroup(text, group, pattern, rng);
  text = frame(text, rng);
  return text.replace(new RegExp(`${MASK}(\\d+)${MASK}`, 'g'), (_, i: string) => kept[Number(i)] ?? '');
}

function swapGroup(text: string, group: Group, pattern: RegExp, rng: Rng): string {
  return text.replace(pattern, (match: string) => {
    if (rng() >= SWAP_RATE) return match;
    const other = pick(rng, group.alternatives.filter((a) => a !== match.toLowerCase()));
    return match[0] === match[0]?.toUpperCase() ? capitalise(other) : other;
  });
}

function frame(text: string, rng: Rng): string {
  const first = /^[A-Za-z]+/.exec(text)?.[0]?.toLowerCase() ?? '';
  if (!IMPERATIVES.has(first)) return text;
  const shape = pick(rng, FRAMES);
  if (shape === '{}') return text;
  if (first === 'read' && shape.startsWith('Read')) return text;
  return shape.replace('{}', text[0]?.toLowerCase() + text.slice(1));
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
