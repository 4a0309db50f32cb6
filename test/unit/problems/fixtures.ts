/** Paths of the problem fixtures, and of the shared datasets (absent outside the project's workplace). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/problems/', import.meta.url));
export const fixture = (name: string): string => `${FIXTURES}${name}`;

/** `../shared/data` beside the repository root. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const sharedData = (name: string): string | undefined => (existsSync(`${SHARED_DATA}${name}`) ? `${SHARED_DATA}${name}` : undefined);
