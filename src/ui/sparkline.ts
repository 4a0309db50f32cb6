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
  // Halved so that extreme ranges (-1e308 … 1e308) do not overflow to Infinity.
  const span = max / 2 - min / 2;
  let out = '';
  for (const v of shown) {
    if (!Number.isFinite(v)) out += ' ';
    else if (span === 0) out += LEVELS[3];
    else {
      const level = Math.floor(((v / 2 - min / 2) / span) * LEVELS.length);
      out += LEVELS[Math.max(0, Math.min(LEVELS.length - 1, level))];
    }
  }
  return out;
}
