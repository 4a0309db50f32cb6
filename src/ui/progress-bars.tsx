/**
 * Two bars: episodes done in this iteration, and rollouts in flight (against the most seen so
 * far in this run, since the pipeline's concurrency cap is not part of the state).
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { RunState } from '../pipeline/run-state.ts';
import { bar, formatPercent } from './format.ts';

export interface ProgressBarsProps {
  readonly state: RunState;
  readonly width: number;
  /** Most rollouts in flight seen in this run (at least the current count). */
  readonly inFlightPeak: number;
}

const LABEL = 11;
const NUMBERS = 18;

export function ProgressBars({ state, width, inFlightPeak }: ProgressBarsProps): ReactNode {
  const { episodesDone, episodesPerIteration, inFlight } = state.progress;
  const cells = Math.max(4, width - LABEL - NUMBERS);
  const done = episodesPerIteration > 0 ? episodesDone / episodesPerIteration : 0;
  const peak = Math.max(inFlightPeak, inFlight);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text color="gray">{'episodes'.padEnd(LABEL)}</Text>
        <Text color="green">{bar(done, cells)}</Text>
        <Text>
          {' '}
          {`${episodesDone}/${episodesPerIteration}`.padStart(9)} {formatPercent(done).padStart(6)}
        </Text>
      </Text>
      <Text wrap="truncate-end">
        <Text color="gray">{'in flight'.padEnd(LABEL)}</Text>
        <Text color="blue">{bar(peak > 0 ? inFlight / peak : 0, cells)}</Text>
        <Text>
          {' '}
          {String(inFlight).padStart(9)} <Text color="gray">peak {peak}</Text>
        </Text>
      </Text>
    </Box>
  );
}
