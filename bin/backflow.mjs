#!/usr/bin/env node
// The CLI from source, through tsx, for development: edits show at once. The
// `backflow` command users get (package.json's bin) is the built
// out/cli/backflow.js, which needs neither tsx nor Vite.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src-main/cli/bin.ts');
