import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bar, formatCount, formatDuration, formatMetric, formatPercent, formatPoints, oneLine, sanitize, truncate, wrapRows } from '../../src/ui/format.ts';
import { computeLayout, nextPanel, PANEL_ORDER, type PanelId } from '../../src/ui/layout.ts';
import { sparkline } from '../../src/ui/sparkline.ts';

test('a sparkline draws one bar per value, lowest as ▁ and highest as █', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([-0.45, -0.35, -0.19, -0.07, 0.05]), '▁▂▅▇█');
});

test('a sparkline keeps only the newest values that fit its width', () => {
  assert.equal(sparkline([9, 9, 9, 0, 1], 2), '▁█');
  assert.equal(sparkline([1, 2, 3], 0), '');
});

test('a flat sparkline sits at mid height and non-finite values are gaps', () => {
  assert.equal(sparkline([0.5, 0.5, 0.5]), '▄▄▄');
  assert.equal(sparkline([0, Number.NaN, 1]), '▁ █');
});

test('a sparkline has min(values, width) characters, all of them bars or gaps', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: false })), fc.nat(50), (values, width) => {
      const line = sparkline(values, width);
      assert.equal([...line].length, Math.min(values.length, width));
      assert.match(line, /^[▁▂▃▄▅▆▇█ ]*$/u);
    }),
  );
});

test('a bar is exactly as wide as asked for any fraction', () => {
  fc.assert(
    fc.property(fc.double(), fc.nat(200), (fraction, width) => {
      assert.equal([...bar(fraction, width)].length, width);
    }),
  );
  assert.equal(bar(0.5, 8), '████░░░░');
  assert.equal(bar(1, 4), '████');
  assert.equal(bar(0, 4), '░░░░');
});

test('durations read as mm:ss under an hour and h:mm:ss above, unknown as a dash', () => {
  assert.equal(formatDuration(537_912), '08:57');
  assert.equal(formatDuration(3_723_000), '1:02:03');
  assert.equal(formatDuration(null), '–');
});

test('counts, percentages and metric values keep a short fixed form', () => {
  assert.equal(formatCount(1843.6), '1.8k');
  assert.equal(formatCount(23.7), '23.7');
  assert.equal(formatCount(981_234), '981k');
  assert.equal(formatPercent(0.53125), '53.1%');
  assert.equal(formatMetric(0.00619), '0.0062');
  assert.equal(formatMetric(0.00081), '8.1e-4');
  assert.equal(formatMetric(0.00004), '4.0e-5');
  assert.equal(formatMetric(-0.3146), '-0.3146');
  assert.equal(formatMetric(undefined), '–');
});

test('untrusted text loses its escape sequences and carriage returns', () => {
  const clean = sanitize('print("\u001b[2J\u001b[Hgone")\r\nok\u0007');
  assert.equal(clean.includes('\u001b'), false);
  assert.equal(clean.includes('\r'), false);
  assert.equal(clean.includes('\u0007'), false);
  assert.equal(oneLine('def f():\n\n    return 1\n'), 'def f(): ⏎ return 1');
});

test('truncation ends with an ellipsis only when it cuts', () => {
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abc', 4), 'abc');
});

test('tab cycles through every panel and shift-tab goes back', () => {
  let panel: PanelId = 'stages';
  const seen: PanelId[] = [];
  for (let i = 0; i < PANEL_ORDER.length; i++) {
    seen.push(panel);
    panel = nextPanel(panel);
  }
  assert.deepEqual(seen, [...PANEL_ORDER]);
  assert.equal(panel, 'stages');
  assert.equal(nextPanel('stages', -1), 'episodes');
});

test('a wide terminal puts stages and learning side by side, a narrow one stacks them', () => {
  const wide = computeLayout({ columns: 140, rows: 50, focus: 'learning' });
  assert.equal(wide.sideBySide, true);
  assert.equal(wide.stagesWidth + 1 + wide.learningWidth, 140);
  const narrow = computeLayout({ columns: 80, rows: 50, focus: 'learning' });
  assert.equal(narrow.sideBySide, false);
  assert.equal(narrow.learningWidth, 80);
});

test('a short terminal hides unfocused panels but never the focused one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 80 }), fc.constantFrom(...PANEL_ORDER), (columns, rows, focus) => {
      const layout = computeLayout({ columns, rows, focus });
      assert.equal(layout.show[focus], true);
      if (layout.show.episodes) assert.ok(layout.episodeRows >= 2);
    }),
  );
  const short = computeLayout({ columns: 100, rows: 24, focus: 'learning' });
  assert.deepEqual(short.show, { stages: false, learning: true, episodes: false });
});

test('wrapping breaks between words, cuts overlong words, and marks text left over', () => {
  assert.deepEqual(wrapRows('the pool failed with signal SIGKILL', 12, 5), ['the pool', 'failed with', 'signal', 'SIGKILL']);
  assert.deepEqual(wrapRows('abcdefghijklmnop', 5, 5), ['abcde', 'fghij', 'klmno', 'p']);
  assert.deepEqual(wrapRows('one two three four five six', 9, 2), ['one two', 'three…']);
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 }), (text, width, maxRows) => {
      const rows = wrapRows(text, width, maxRows);
      assert.ok(rows.length <= maxRows);
      for (const row of rows) assert.ok([...row].length <= width, JSON.stringify(row));
    }),
  );
});

test('percentage points carry a sign, and a change that rounds to zero is not negative', () => {
  assert.equal(formatPoints(0.014), '+1.4');
  assert.equal(formatPoints(-0.029), '−2.9');
  assert.equal(formatPoints(0), '+0.0');
  assert.equal(formatPoints(-0.0004), '+0.0');
  assert.equal(formatPoints(1), '+100.0');
});
