/**
 * The replay browser's episode view: which episode (problem, iteration, split, outcome), a bar of
 * its turns with the current one marked, the turn's numbers (verdict, reward, advantage, return,
 * value, KL), then its prompt, code (or code-less response) and feedback, scrolled by line.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { StoredEpisode } from '../report/episodes.ts';
import { turnOf } from '../report/episodes.ts';
import { Row } from './panel.tsx';
import { verdictColour } from './replay-list.tsx';
import { signed, turnBody, turnNumbers } from './replay-model.ts';

/** Rows of the episode view above its body: identity, turn bar, numbers. */
export const EPISODE_HEAD_ROWS = 3;

export interface ReplayEpisodeProps {
  readonly episode: StoredEpisode;
  /** 0-based turn shown. */
  readonly turn: number;
  /** First body line shown. */
  readonly scroll: number;
  /** Rows for the body. */
  readonly rows: number;
  readonly width: number;
}

function TurnBar({ episode, turn }: { episode: StoredEpisode; turn: number }): ReactNode {
  return (
    <Row>
      {Array.from({ length: episode.numTurns }, (_, t) => {
        const verdict = turnOf(episode, t)?.verdict ?? 'not read';
        const current = t === turn;
        return (
          <Text key={t}>
            {t > 0 ? <Text color="gray"> │ </Text> : null}
            <Text bold={current} inverse={current}>
              {current ? '▶' : ' '}T{t + 1}{' '}
            </Text>
            <Text color={verdictColour(verdict)}> {verdict}</Text>
          </Text>
        );
      })}
    </Row>
  );
}

/** One episode, one turn at a time. */
export function ReplayEpisode({ episode, turn, scroll, rows, width }: ReplayEpisodeProps): ReactNode {
  const row = turnOf(episode, turn);
  const body = turnBody(episode, turn, width);
  const shown = body.slice(scroll, scroll + Math.max(1, rows));
  const more = body.length - scroll - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Row>
        <Text color={episode.solved ? 'green' : 'red'}>{episode.solved ? '✔ solved' : '✘ not solved'} </Text>
        <Text bold>{episode.problemId}</Text>
        <Text color="gray">
          {' '}
          · {episode.key} · iteration {episode.iteration} · {episode.split} · reward {signed(episode.reward)}
        </Text>
      </Row>
      <TurnBar episode={episode} turn={turn} />
      <Row>
        <Text color="gray">
          turn {turn + 1}/{episode.numTurns}
          {/* First, so that a narrow terminal does not cut it off. */}
          {more > 0 ? ` · ${more} more lines (↓)` : ''}
          {row === undefined ? '' : ` · ${turnNumbers(row)}`}
        </Text>
      </Row>
      {shown.map((line, i) =>
        line.heading === true ? (
          <Text key={i} color="cyan" bold wrap="truncate-end">
            ── {line.text} {'─'.repeat(Math.max(0, width - line.text.length - 4))}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end">
            {line.text === '' ? ' ' : line.text}
          </Text>
        ),
      )}
    </Box>
  );
}
