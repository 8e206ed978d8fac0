import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the worker count small so simulator and kubectl tests don't starve each other.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/apiserver/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        // Against a real kube-apiserver + etcd (test/apiserver/README.md), started once for the run;
        // the files take turns loading their snapshots into it. `npm run test:fast` leaves them out.
        extends: true,
        test: {
          name: 'apiserver',
          include: ['test/apiserver/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts', 'test/apiserver/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
