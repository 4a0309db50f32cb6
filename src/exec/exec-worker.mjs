// Worker threads do not inherit tsx when it was registered programmatically (bin/rlef), so each
// worker registers it before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./exec.worker.ts');
export default worker.default;
