/**
 * Safetensors files on disk: one file, or a checkpoint folder that is either a single
 * `model.safetensors` or shards listed by `model.safetensors.index.json` (`weight_map`: tensor
 * name → shard file name).
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, SafetensorsError, type NamedTensor } from './safetensors.ts';

/** Reads and decodes one safetensors file. */
export async function readSafetensorsFile(path: string): Promise<Map<string, NamedTensor>> {
  return readSafetensors(await readFile(path));
}

/**
 * Reads every tensor of a checkpoint folder: shards named by `model.safetensors.index.json` when
 * it exists, else `model.safetensors`.
 */
export async function readSafetensorsDir(dir: string): Promise<Map<string, NamedTensor>> {
  const index = join(dir, 'model.safetensors.index.json');
  if (!existsSync(index)) return readSafetensorsFile(join(dir, 'model.safetensors'));
  const parsed = JSON.parse(await readFile(index, 'utf8')) as { weight_map?: Record<string, string> };
  if (parsed.weight_map === undefined) throw new SafetensorsError(`${index} has no weight_map`);
  const shards = [...new Set(Object.values(parsed.weight_map))];
  const out = new Map<string, NamedTensor>();
  for (const shard of shards) {
    for (const [name, tensor] of await readSafetensorsFile(join(dir, shard))) out.set(name, tensor);
  }
  for (const name of Object.keys(parsed.weight_map)) {
    if (!out.has(name)) throw new SafetensorsError(`listed in the index but absent from ${parsed.weight_map[name]}`, name);
  }
  return out;
}

/** Writes tensors as one float32 safetensors file, atomically (temp file, then rename). */
export async function writeSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, NamedTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, writeSafetensors(tensors, metadata));
  await rename(temp, path);
}
