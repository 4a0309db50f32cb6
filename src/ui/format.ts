/**
 * Pure text formatting shared by the live UI and the plain reporters: durations, rates,
 * metric values, bars, and making untrusted text (model code, program output) safe to print.
 */

/** `mm:ss` under an hour, `h:mm:ss` above; `–` when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A count or rate in at most four characters of digits: `12.3`, `512`, `1.2k`, `3.4M`. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  return value.toFixed(1);
}

/** A fraction in [0, 1] as a percentage with one decimal: `38.1%`. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A fraction as signed percentage points, one decimal: `+1.4`, `−2.9` (a true minus sign). */
export function formatPoints(fraction: number): string {
  const points = Math.abs(100 * fraction).toFixed(1);
  return `${fraction < 0 && Number(points) !== 0 ? '−' : '+'}${points}`;
}

/**
 * A metric value with about four significant digits and no exponent for everyday magnitudes;
 * tiny non-zero values (KL early in a run) keep an exponent so they do not read as zero.
 */
export function formatMetric(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs < 1e-3) return value.toExponential(1);
  if (abs >= 1e4) return value.toExponential(2);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(3);
  return value.toFixed(4);
}

/** A horizontal bar of `width` cells filled to `fraction` (clamped to [0, 1]), with eighth-cell steps. */
export function bar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.floor(width));
  if (cells === 0) return '';
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const eighths = Math.round(f * cells * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  const partial = rest > 0 ? (PARTIAL_BLOCKS[rest] ?? '') : '';
  return '█'.repeat(full) + partial + '░'.repeat(cells - full - (partial === '' ? 0 : 1));
}

const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * Makes untrusted text safe for a terminal: generated code and program output may carry escape
 * sequences or carriage returns that would move the cursor and corrupt the UI, so control
 * characters other than newline become `·` and tabs become two spaces.
 */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ').replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g, '·');
}

/** The first line of `text` that is not blank, sanitized and trimmed; `''` when none. */
export function firstLine(text: string | null): string {
  if (text === null) return '';
  for (const line of sanitize(text).split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '') return trimmed;
  }
  return '';
}

/** All lines of `text`, trimmed, joined with ` ⏎ ` so a multi-line snippet fits on one row. */
export function oneLine(text: string | null): string {
  if (text === null) return '';
  return sanitize(text)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.trim() !== '')
    .join(' ⏎ ');
}

/** Cuts `text` to at most `width` characters, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  const w = Math.max(0, Math.floor(width));
  const chars = [...text];
  if (chars.length <= w) return text;
  if (w === 0) return '';
  return chars.slice(0, w - 1).join('') + '…';
}

/**
 * Word-wraps one line of text into at most `maxRows` rows of at most `width` characters; a word
 * longer than a row is cut, and the last row ends with `…` when text was left over.
 */
export function wrapRows(text: string, width: number, maxRows: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(/\s+/).filter((x) => x !== '')) {
    let rest = word;
    while ([...rest].length > w) {
      if (row !== '') rows.push(row);
      rows.push([...rest].slice(0, w).join(''));
      rest = [...rest].slice(w).join('');
      row = '';
    }
    const next = row === '' ? rest : `${row} ${rest}`;
    if ([...next].length > w) {
      rows.push(row);
      row = rest;
    } else row = next;
  }
  if (row !== '') rows.push(row);
  if (rows.length <= maxRows) return rows;
  const kept = rows.slice(0, Math.max(0, maxRows));
  const last = kept.pop();
  return last === undefined ? [] : [...kept, truncate(`${last} …`, w).replace(/ …$/, '…')];
}
