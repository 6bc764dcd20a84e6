import { configDefaults, defineConfig } from 'vitest/config';

// Two projects:
//   unit  fast tests of packages and repo-level harnesses; run in parallel.
//   e2e   `*.e2e.test.ts` anywhere: drive real terraform/tofu, moto, opa; one file
//         at a time (vitest runs this group after the parallel one), long timeouts.
// `npx vitest run --project unit` runs only the first.

const exclude = [...configDefaults.exclude, '**/dist/**', '**/.tools/**', '**/.tfo/**', '**/.terraform/**'];

export default defineConfig({
  test: {
    // Tests spawn terraform, moto and opa; child processes are better supervised
    // from forked workers than from worker threads.
    pool: 'forks',
    // ci-info reads the environment once, when loaded; inlined, vi.resetModules() loads it again
    // (the CI detection tests run it under CI=true, GITHUB_ACTIONS=true and neither)
    server: { deps: { inline: ['ci-info'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...exclude, '**/*.e2e.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude,
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
