import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_METRICS, MetricSpecError, metricName, parseMetrics } from '../../../src/eval/metric-spec.ts';

test('a metric list reads n@k and pass@k items, keeps their order and drops repeats', () => {
  assert.deepEqual(parseMetrics(' 1@3, 10@100 ,pass@1,PASS@10,1@3'), [
    { kind: 'n@k', n: 1, k: 3 },
    { kind: 'n@k', n: 10, k: 100 },
    { kind: 'pass@k', k: 1 },
    { kind: 'pass@k', k: 10 },
  ]);
  assert.deepEqual(parseMetrics(DEFAULT_METRICS).map(metricName), ['1@3', '10@100', 'pass@1', 'pass@10']);
});

test('a metric list refuses zero, n above k, other shapes and an empty list', () => {
  for (const bad of ['0@3', '1@0', 'pass@0', '4@3', 'top@1', '1@3.5', 'pass@', '', ' , ']) {
    assert.throws(() => parseMetrics(bad), MetricSpecError, bad);
  }
});
