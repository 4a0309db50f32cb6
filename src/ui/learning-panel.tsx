/**
 * The learning panel: the latest value of each per-iteration metric with a sparkline over the
 * run's history. Expanded (focused) it adds the change since the previous iteration and four
 * more metrics (clip fraction, mean turns, invalid rate, iteration time).
 */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { IterationMetrics, RunState } from '../pipeline/run-state.ts';
import { formatDuration, formatMetric, formatPercent } from './format.ts';
import { Panel, Row } from './panel.tsx';
import { sparkline } from './sparkline.ts';

/** One metric row: how to read it from an iteration and how to print it. */
export interface MetricRow {
  readonly label: string;
  readonly pick: (m: IterationMetrics) => number | undefined;
  readonly kind: 'rate' | 'value' | 'ms';
}

/** Rows shown always (issue 6: reward, solve rate at turns 1/2/3, fix rate, KL, losses, entropy). */
export const LEARNING_METRICS: readonly MetricRow[] = [
  { label: 'reward', pick: (m) => m.reward, kind: 'value' },
  { label: 'solve @1', pick: (m) => m.solveRateByTurn[0], kind: 'rate' },
  { label: 'solve @2', pick: (m) => m.solveRateByTurn[1], kind: 'rate' },
  { label: 'solve @3', pick: (m) => m.solveRateByTurn[2], kind: 'rate' },
  { label: 'fix @2', pick: (m) => m.fixRateTurn2, kind: 'rate' },
  { label: 'KL', pick: (m) => m.kl, kind: 'value' },
  { label: 'policy loss', pick: (m) => m.policyLoss, kind: 'value' },
  { label: 'value loss', pick: (m) => m.valueLoss, kind: 'value' },
  { label: 'entropy', pick: (m) => m.entropy, kind: 'value' },
];

/** Rows added when the panel is focused. */
export const EXTRA_LEARNING_METRICS: readonly MetricRow[] = [
  { label: 'clip frac', pick: (m) => m.clipFraction, kind: 'rate' },
  { label: 'mean turns', pick: (m) => m.meanTurns, kind: 'value' },
  { label: 'invalid', pick: (m) => m.invalidRate, kind: 'rate' },
  { label: 'iter time', pick: (m) => m.wallMs, kind: 'ms' },
];

function show(kind: MetricRow['kind'], value: number | undefined): string {
  if (kind === 'rate') return formatPercent(value);
  if (kind === 'ms') return value === undefined ? '–' : formatDuration(value);
  return formatMetric(value);
}

function change(kind: MetricRow['kind'], now: number | undefined, before: number | undefined): string {
  if (now === undefined || before === undefined || !Number.isFinite(now - before)) return '';
  const d = now - before;
  const sign = d > 0 ? '+' : d < 0 ? '-' : '±';
  if (kind === 'rate') return `${sign}${(Math.abs(d) * 100).toFixed(1)}pp`;
  if (kind === 'ms') return `${sign}${(Math.abs(d) / 1000).toFixed(1)}s`;
  return `${sign}${formatMetric(Math.abs(d))}`;
}

export interface LearningPanelProps {
  readonly state: RunState;
  readonly width: number;
  readonly focused: boolean;
}

const LABEL = 12;
const VALUE = 10;
const CHANGE = 10;

export function LearningPanel({ state, width, focused }: LearningPanelProps): ReactNode {
  const { history } = state;
  const latest = history.at(-1);
  const previous = history.at(-2);
  const rows = focused ? [...LEARNING_METRICS, ...EXTRA_LEARNING_METRICS] : LEARNING_METRICS;
  const sparkWidth = Math.max(0, width - LABEL - VALUE - (focused ? CHANGE : 0) - 1);
  const note = latest === undefined ? 'no iteration finished yet' : `iter ${latest.iteration} · ${history.length} in history`;
  return (
    <Panel title="Learning" width={width} focused={focused} note={note}>
      {rows.map((row) => {
        const now = latest === undefined ? undefined : row.pick(latest);
        const series = history.map((m) => row.pick(m) ?? Number.NaN);
        return (
          <Row key={row.label}>
            <Text color="gray">{row.label.padEnd(LABEL)}</Text>
            <Text bold>{show(row.kind, now).padStart(VALUE - 1)} </Text>
            {focused ? (
              <Text color="gray">{change(row.kind, now, previous === undefined ? undefined : row.pick(previous)).padStart(CHANGE - 1)} </Text>
            ) : null}
            <Text color="cyan">{sparkline(series, sparkWidth)}</Text>
          </Row>
        );
      })}
    </Panel>
  );
}
