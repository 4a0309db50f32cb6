/**
 * The header: which run this is (id, mode, pipeline, backend), where it stands (iteration i/N,
 * elapsed, ETA) and its status, with the pipeline's message line below.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { RunState, RunStatus } from '../pipeline/run-state.ts';
import { formatDuration, sanitize } from './format.ts';

type Colour = 'green' | 'yellow' | 'cyan' | 'red' | 'gray';

/** Colour and label of each run status. */
export const STATUS_STYLE: { readonly [S in RunStatus]: { readonly colour: Colour; readonly label: string } } = {
  starting: { colour: 'yellow', label: '◌ starting' },
  running: { colour: 'green', label: '● running' },
  paused: { colour: 'yellow', label: '‖ paused' },
  stopping: { colour: 'yellow', label: '◍ stopping' },
  done: { colour: 'cyan', label: '✔ done' },
  failed: { colour: 'red', label: '✖ failed' },
};

export interface HeaderProps {
  readonly state: RunState;
  readonly width: number;
}

/** Two rows: identity and status; progress numbers and the message. */
export function Header({ state, width }: HeaderProps): ReactNode {
  const { run, progress, status } = state;
  const style = STATUS_STYLE[status];
  const iteration = `iteration ${Math.min(progress.iteration, progress.iterations)}/${progress.iterations}`;
  const times = `elapsed ${formatDuration(progress.elapsedMs)} · eta ${formatDuration(progress.etaMs)}`;
  const message = sanitize(state.message).replace(/\n/g, ' ');
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width}>
        <Box flexGrow={1} flexShrink={1}>
          <Text wrap="truncate-end">
            <Text bold color="magenta">rlef</Text>
            <Text> {run.id} </Text>
            <Text color="gray">
              {run.mode} · {run.pipeline} · {run.backend}
            </Text>
          </Text>
        </Box>
        <Box flexShrink={0} marginLeft={1}>
          <Text bold color={style.colour}>
            {style.label}
          </Text>
        </Box>
      </Box>
      <Text wrap="truncate-end">
        <Text bold>{iteration}</Text>
        <Text color="gray"> · {times}</Text>
        {message === '' ? null : status === 'failed' ? <Text color="red"> · {message}</Text> : <Text> · {message}</Text>}
      </Text>
    </Box>
  );
}
