/**
 * The episodes panel: the latest episodes, newest first, as many as fit the rows the layout
 * gives it. Compact, an episode is a summary row (problem, verdict per turn, reward) and one row
 * with its final code and last feedback side by side; expanded (focused), each turn gets a code
 * row and a feedback row. Code and feedback are untrusted text: sanitized, flattened, truncated.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { EpisodeSummary, RunState } from '../pipeline/run-state.ts';
import { oneLine, truncate } from './format.ts';
import { Panel, Row } from './panel.tsx';

export interface EpisodesPanelProps {
  readonly state: RunState;
  readonly width: number;
  readonly focused: boolean;
  /** Rows available below the title; `Infinity` shows every recent episode. */
  readonly rows: number;
}

/**
 * Code and feedback flattened to one row and cut to the panel width here, in plain JS: ink
 * measures every character of a text before truncating it, and whole programs are long.
 */
function snippet(text: string, width: number): string {
  return truncate(oneLine(text), Math.max(1, width));
}

function verdictColour(verdict: string): 'green' | 'magenta' | 'red' {
  if (verdict === 'passed') return 'green';
  if (verdict === 'sandbox_error') return 'magenta';
  return 'red';
}

function Summary({ episode }: { readonly episode: EpisodeSummary }): ReactNode {
  return (
    <Row>
      <Text color={episode.solved ? 'green' : 'red'}>{episode.solved ? '✔' : '✘'} </Text>
      <Text bold>{episode.problemId}</Text>
      <Text color="gray">
        {' '}
        it {episode.iteration} · r {episode.reward >= 0 ? '+' : ''}
        {episode.reward.toFixed(2)} ·{' '}
      </Text>
      {episode.turns.map((turn, t) => (
        <Text key={t}>
          {t > 0 ? <Text color="gray"> → </Text> : null}
          <Text color="gray">T{t + 1} </Text>
          <Text color={verdictColour(turn.verdict)}>{turn.verdict}</Text>
        </Text>
      ))}
    </Row>
  );
}

/** The rows of one episode, in order; the caller keeps as many as fit. */
function episodeRows(episode: EpisodeSummary, width: number, expanded: boolean): ReactNode[] {
  const rows: ReactNode[] = [<Summary key="summary" episode={episode} />];
  if (expanded) {
    episode.turns.forEach((turn, t) => {
      rows.push(
        <Row key={`code-${t}`}>
          <Text color="gray">{`  T${t + 1} code     `}</Text>
          {turn.code === null ? <Text color="yellow">(no code)</Text> : snippet(turn.code, width - 14)}
        </Row>,
      );
      rows.push(
        <Row key={`feedback-${t}`}>
          <Text color="gray">{'     feedback '}</Text>
          {turn.feedback === null ? <Text color="gray">–</Text> : snippet(turn.feedback, width - 14)}
        </Row>,
      );
    });
    return rows;
  }
  const last = episode.turns.at(-1);
  const feedback = [...episode.turns].reverse().find((turn) => turn.feedback !== null)?.feedback ?? null;
  const half = Math.max(10, Math.floor((width - 2) / 2));
  rows.push(
    <Box key="detail" width={width}>
      <Box width={half} flexShrink={0}>
        <Text wrap="truncate-end">
          <Text color="gray">{'  code '}</Text>
          {last?.code == null ? <Text color="yellow">(no code)</Text> : snippet(last.code, half - 7)}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} marginLeft={1}>
        <Text wrap="truncate-end">
          <Text color="gray">feedback </Text>
          {feedback === null ? <Text color="gray">–</Text> : snippet(feedback, width - half - 10)}
        </Text>
      </Box>
    </Box>,
  );
  return rows;
}

export function EpisodesPanel({ state, width, focused, rows }: EpisodesPanelProps): ReactNode {
  const shown: ReactNode[] = [];
  let episodes = 0;
  for (const episode of state.recent) {
    const own = episodeRows(episode, width, focused).map((row, i) => (
      <Box key={`${episode.episodeId}:${i}`}>{row}</Box>
    ));
    const room = rows - shown.length;
    if (own.length > room) {
      // The newest episode is shown even when only its first rows fit.
      if (episodes === 0 && room > 0) {
        shown.push(...own.slice(0, room));
        episodes = 1;
      }
      break;
    }
    shown.push(...own);
    episodes += 1;
  }
  const note = state.recent.length === 0 ? '' : `${episodes} of ${state.recent.length}`;
  return (
    <Panel title="Episodes" width={width} focused={focused} note={note}>
      {state.recent.length === 0 ? (
        <Row>
          <Text color="gray">no episode finished yet</Text>
        </Row>
      ) : (
        shown
      )}
    </Panel>
  );
}
