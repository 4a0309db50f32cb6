/**
 * The replay browser's episode list: one row per episode that passes the filters, the selected
 * one marked, scrolled so the selection stays in view.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { StoredEpisode } from '../report/episodes.ts';
import { truncate } from './format.ts';
import { Row } from './panel.tsx';
import { signed } from './replay-model.ts';

export interface ReplayListProps {
  readonly episodes: readonly StoredEpisode[];
  readonly selected: number;
  /** Rows available for episodes. */
  readonly rows: number;
  readonly width: number;
}

/** The first row shown, so that `selected` is visible in a window of `rows`. */
export function listWindowStart(selected: number, count: number, rows: number): number {
  const r = Math.max(1, rows);
  return Math.max(0, Math.min(selected - Math.floor(r / 2), count - r));
}

/** Colour of a verdict: green passed, yellow invalid (no code), red failed, magenta sandbox fault. */
export function verdictColour(verdict: string): 'green' | 'magenta' | 'red' | 'yellow' {
  if (verdict === 'passed') return 'green';
  if (verdict === 'invalid') return 'yellow';
  return verdict === 'sandbox_error' ? 'magenta' : 'red';
}

function EpisodeRow({ episode, selected, width }: { episode: StoredEpisode; selected: boolean; width: number }): ReactNode {
  const turns = `${episode.numTurns} turn${episode.numTurns === 1 ? '' : 's'}`;
  return (
    <Row>
      <Text color="cyan">{selected ? '▶ ' : '  '}</Text>
      <Text color={episode.solved ? 'green' : 'red'}>{episode.solved ? '✔' : '✘'} </Text>
      <Text bold={selected} inverse={selected}>
        {truncate(episode.problemId, Math.max(8, Math.floor(width / 3)))}
      </Text>
      <Text color="gray">
        {' '}
        it {episode.iteration} · {episode.split} · {turns}
        {episode.complete ? '' : ' (cut short)'} · r {signed(episode.reward)} ·{' '}
      </Text>
      {episode.verdicts.map((verdict, t) => (
        <Text key={t}>
          {t > 0 ? <Text color="gray"> → </Text> : null}
          <Text color={verdictColour(verdict)}>{verdict}</Text>
        </Text>
      ))}
    </Row>
  );
}

/** The list, or a line saying that no episode passes the filters. */
export function ReplayList({ episodes, selected, rows, width }: ReplayListProps): ReactNode {
  if (episodes.length === 0) return <Text color="yellow">no episode matches the filters (f, t and / change them)</Text>;
  const start = listWindowStart(selected, episodes.length, rows);
  const shown = episodes.slice(start, start + Math.max(1, rows));
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((episode, i) => (
        <EpisodeRow key={episode.key} episode={episode} selected={start + i === selected} width={width} />
      ))}
    </Box>
  );
}
