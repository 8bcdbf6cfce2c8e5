import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: two workers; each test file uses its own temporary repositories.
    pool: 'forks',
    maxWorkers: 2,
    env: { DJYC_LANG: 'zh', NO_COLOR: '1', GIT_AUTHOR_NAME: 'djyc test', GIT_AUTHOR_EMAIL: 't@djyc.local', GIT_COMMITTER_NAME: 'djyc test', GIT_COMMITTER_EMAIL: 't@djyc.local' },
  },
});
