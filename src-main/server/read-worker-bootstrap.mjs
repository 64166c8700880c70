// Starts the TypeScript request-reading worker under tsx (the server runs from source).
import { register } from 'tsx/esm/api';

register();
await import('./read-worker.ts');
