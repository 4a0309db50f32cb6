// Worker threads do not inherit tsx when it was registered programmatically (bin/rlef), so the
// generation worker registers it before loading its TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./generation.worker.ts');
