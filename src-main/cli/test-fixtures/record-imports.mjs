// `node --import ./record-imports.mjs …`: appends the URL of every module the
// program resolves through the ESM loader to the file named by
// $BACKFLOW_RECORD_IMPORTS, so a test can see what a command loaded.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
