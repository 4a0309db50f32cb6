/**
 * Finds a real Python 3 interpreter for the fork server. Shims (pyenv, asdf) cost ~80 ms per
 * start and re-read the environment, so they are resolved away or skipped.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SandboxError } from './errors.ts';

const PREFERRED = ['/usr/bin/python3', '/usr/local/bin/python3', '/bin/python3'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isShim(path: string): boolean {
  return /[/\\](shims|\.asdf)[/\\]/.test(path);
}

/**
 * The interpreter to use: `explicit` (or `$RLEF_PYTHON`) when given, else the first real
 * `python3` among the system locations and `$PATH`, with symlinks resolved and shims skipped.
 */
export function resolvePython(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const wanted = explicit ?? env['RLEF_PYTHON'];
  if (wanted !== undefined && wanted !== '') {
    if (!isExecutable(wanted)) throw new SandboxError(`Python interpreter ${wanted} is not executable`);
    return wanted;
  }
  const onPath = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'python3'));
  for (const candidate of [...PREFERRED, ...onPath]) {
    if (isShim(candidate) || !isExecutable(candidate)) continue;
    const real = realpathSync(candidate);
    if (!isShim(real)) return real;
  }
  throw new SandboxError('no python3 interpreter found (set RLEF_PYTHON to a real interpreter, not a shim)');
}
