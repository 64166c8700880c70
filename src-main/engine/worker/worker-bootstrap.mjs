// Starts the TypeScript worker entry under tsx when running from source (CLI,
// server and tests); the Electron build bundles worker-entry.ts instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
