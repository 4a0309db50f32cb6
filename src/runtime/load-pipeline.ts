/**
 * Loads a pipeline file (`pipelines/*.ts`, default export a `PipelineConfig`) by dynamic import.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PipelineConfig } from '../pipeline/pipeline-config.ts';
import { UsageError } from './errors.ts';

/** The repository root (where `package.json`, `pipelines/` and `data/` are). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export const DEFAULT_PIPELINE = resolve(REPO_ROOT, 'pipelines', 'rlef-ppo.ts');

export async function loadPipeline(file: string = DEFAULT_PIPELINE): Promise<PipelineConfig> {
  const path = resolve(file);
  await access(path).catch((error: unknown) => {
    throw new UsageError(`pipeline file ${path} not found`, { cause: error });
  });
  const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  const config = module.default;
  if (typeof config !== 'object' || config === null || !('name' in config) || !('training' in config)) {
    throw new UsageError(`${path}: its default export is not a pipeline config (use definePipeline)`);
  }
  return config as PipelineConfig;
}
