/** Recorded RunState snapshots for UI tests (test/fixtures/ui/*.json). */
import { readFileSync } from 'node:fs';
import type { RunState } from '../../src/pipeline/run-state.ts';

export type FixtureName = 'mid-run' | 'starting' | 'failed';

/** Reads a recorded state; the fixtures are plain JSON written in the `RunState` shape. */
export function loadFixture(name: FixtureName): RunState {
  const text = readFileSync(new URL(`../fixtures/ui/${name}.json`, import.meta.url), 'utf8');
  return JSON.parse(text) as RunState;
}
