import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts'],
    environment: 'node',
    // Engine tests train real networks on two shared cores.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
