/**
 * Durable file and folder writes for checkpoints: every file is fsynced before a folder is renamed
 * into place, and the parent folder is fsynced after, so a crash leaves either the old checkpoint
 * or the new one, never a half-written folder under the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Writes bytes to a new file and fsyncs it; fails if the file exists. */
export async function writeFileDurable(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a folder so renames and new entries in it survive a crash. */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Hex SHA-256 of bytes. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Builds a folder next to `dir` with `fill`, then renames it to `dir`. An existing `dir` is moved
 * aside first and removed after (POSIX cannot rename onto a non-empty folder), only if `overwrite`.
 * @throws Error with code EEXIST when `dir` exists and `overwrite` is false
 */
export async function writeDirAtomic(dir: string, fill: (temp: string) => Promise<void>, overwrite: boolean): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(parent, `.${basename(target)}.tmp-${tag}`);
  await mkdir(temp);
  try {
    await fill(temp);
    await syncDir(temp);
    if (await exists(target)) {
      if (!overwrite) throw Object.assign(new Error(`${target} already exists`), { code: 'EEXIST' });
      const old = join(parent, `.${basename(target)}.old-${tag}`);
      await rename(target, old);
      await rename(temp, target);
      await syncDir(parent);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
    }
    await syncDir(parent);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
