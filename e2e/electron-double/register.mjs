// `node --import tsx/esm --import ./e2e/electron-double/register.mjs out/main/index.js`:
// the built main process then gets the double (main.ts) when it imports `electron`.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
