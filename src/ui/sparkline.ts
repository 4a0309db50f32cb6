/**
 * Unicode sparklines (▁▂▃▄▅▆▇█) for per-iteration metrics in the learning panel.
 */

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One character per value, scaled between the minimum and maximum of the values shown.
 * Only the last `width` values are drawn (the newest iterations). Non-finite values are gaps
 * (a space); a flat series draws at mid height so "constant" does not read as "zero".
 */
export function sparkline(values: readonly number[], width: number = values.length): string {
  const w = Math.max(0, Math.floor(width));
  if (w === 0) return '';
  const shown = values.slice(Math.max(0, values.length - w));
  let min = Infinity;
  let max = -Infinity;
  for (const v of shown) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  let out = '';
  for (const v of shown) {
    if (!Number.isFinite(v)) out += ' ';
    else if (span === 0) out += LEVELS[3];
    else out += LEVELS[Math.min(LEVELS.length - 1, Math.floor(((v - min) / span) * LEVELS.length))];
  }
  return out;
}
