/**
 * The stages panel: throughput and load of generation, execution and training, the depth of the
 * queues between them, and sandbox errors (infrastructure faults, shown red when any).
 * Expanded (focused) it adds tokens, busy time and utilisation of each stage.
 */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { RunState } from '../pipeline/run-state.ts';
import { formatCount, formatDuration, formatPercent } from './format.ts';
import { Panel, Row } from './panel.tsx';

export interface StagesPanelProps {
  readonly state: RunState;
  readonly width: number;
  readonly focused: boolean;
}

const LABEL = 12;

function Label({ text }: { readonly text: string }): ReactNode {
  return <Text color="gray">{text.padEnd(LABEL)}</Text>;
}

export function StagesPanel({ state, width, focused }: StagesPanelProps): ReactNode {
  const { generation, execution, training, queues } = state.stages;
  const elapsed = state.progress.elapsedMs;
  const busy = (ms: number): string =>
    `busy ${formatDuration(ms)} (${elapsed > 0 ? formatPercent(ms / elapsed) : '–'})`;
  const sandbox = (
    <Row>
      <Label text="sandbox" />
      <Text color={execution.sandboxErrors > 0 ? 'red' : 'green'}>
        {execution.sandboxErrors} {execution.sandboxErrors === 1 ? 'error' : 'errors'}
      </Text>
    </Row>
  );
  const queueRow = (
    <Row>
      <Label text="queues" />
      generate {queues.generate} · execute {queues.execute} · batcher {queues.batcher}
    </Row>
  );
  if (!focused) {
    return (
      <Panel title="Stages" width={width} focused={false}>
        <Row>
          <Label text="generation" />
          <Text bold>{formatCount(generation.tokensPerSec)}</Text> tok/s
        </Row>
        <Row>
          <Label text="execution" />
          <Text bold>{formatCount(execution.runsPerSec)}</Text> runs/s · pool {execution.running} running,{' '}
          {execution.queued} queued
        </Row>
        {sandbox}
        {queueRow}
      </Panel>
    );
  }
  return (
    <Panel title="Stages" width={width} focused>
      <Row>
        <Label text="generation" />
        <Text bold>{formatCount(generation.tokensPerSec)}</Text> tok/s · {formatCount(generation.tokens)} tokens ·{' '}
        {busy(generation.busyMs)}
      </Row>
      <Row>
        <Label text="execution" />
        <Text bold>{formatCount(execution.runsPerSec)}</Text> runs/s · {busy(execution.busyMs)}
      </Row>
      <Row>
        <Label text="pool" />
        {execution.running} running · {execution.queued} queued
      </Row>
      {sandbox}
      {queueRow}
      <Row>
        <Label text="training" />
        {training.updates} updates · {busy(training.busyMs)}
      </Row>
    </Panel>
  );
}
