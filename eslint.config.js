// Lint: typescript-eslint (type-aware) plus the import direction of the data flow:
// cli → jobs → runtime → stages → core. Each folder below lists what it must not import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const stages = [
  'operators',
  'windows',
  'scoring',
  'state',
  'sources',
  'codecs',
  'sinks',
  'expr',
  'api',
  'analytics',
];
const shared = ['core', 'metrics', 'config'];

/** Folders each src folder may import from (besides itself). */
const allowed = {
  core: [],
  metrics: ['core'],
  config: ['core'],
  expr: ['core'],
  codecs: ['core', 'metrics'],
  sources: ['core', 'metrics', 'codecs'],
  sinks: ['core', 'metrics'],
  state: ['core', 'metrics'],
  operators: ['core', 'metrics', 'expr'],
  windows: ['core', 'metrics', 'expr'],
  scoring: ['core', 'metrics', 'expr', 'windows'],
  analytics: ['core', 'metrics'],
  api: ['core', 'metrics', 'config'],
  runtime: [...stages, ...shared],
  jobs: ['runtime', ...stages, ...shared],
  cli: ['jobs', 'runtime', ...stages, ...shared],
};
const all = ['cli', 'jobs', 'runtime', ...stages, ...shared];

/** Native and client libraries each live behind one folder. */
const libraryHomes = {
  kafkajs: ['sources', 'sinks', 'cli'],
  rocksdb: ['state'],
  '@duckdb/node-api': ['analytics', 'sinks'],
  fastify: ['api', 'cli'],
};

const boundaryConfigs = Object.entries(allowed).map(([folder, ok]) => {
  const forbidden = all.filter((f) => f !== folder && !ok.includes(f));
  const libs = Object.entries(libraryHomes)
    .filter(([, homes]) => !homes.includes(folder))
    .map(([lib]) => ({
      name: lib,
      message: `${lib} is used only in src/${libraryHomes[lib].join(', src/')}`,
    }));
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: libs,
          patterns: forbidden.map((f) => ({
            group: [`**/${f}/*`, `**/${f}/**`],
            message: `src/${folder} must not import src/${f} (imports run cli → jobs → runtime → stages → core)`,
          })),
        },
      ],
    },
  };
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.sluice/**',
      'state/**',
      'bench-results/**',
      'test-results/**',
      'bench/kafka-streams/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'bin/kafkajs-patches/*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
    },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
  },
  ...boundaryConfigs,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // CommonJS files copied into kafkajs by bin/patch-kafkajs.js.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
