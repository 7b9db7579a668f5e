import baseConfig from '../../eslint.config.mjs';

/**
 * The workspace's module-boundary rule with `type:test-util` allowed to `type:app`: for the
 * API's specs and their helpers (src/testing), which are test code and never bundled.
 */
function boundariesForTestCode() {
  const [level, options] = baseConfig.findLast(
    (config) => config.rules?.['@nx/enforce-module-boundaries'],
  ).rules['@nx/enforce-module-boundaries'];
  const depConstraints = options.depConstraints.map((constraint) =>
    constraint.sourceTag === 'type:app'
      ? {
          ...constraint,
          notDependOnLibsWithTags: constraint.notDependOnLibsWithTags.filter(
            (tag) => tag !== 'type:test-util',
          ),
        }
      : constraint,
  );
  return [level, { ...options, depConstraints }];
}

export default [
  ...baseConfig,
  {
    // One-way dependencies: realtime/ depends on the features, never the reverse. A feature
    // announces what happened on DomainEvents (common/events); realtime/ decides who hears it.
    // Specs are not in the app's dependency graph: one may hold a feature's rule against the
    // socket fast path's copy of it (messages/send-message.rules.spec.ts).
    files: [
      'src/{auth,users,chats,messages,common,config,database,health,presence,redis,web}/**/*.ts',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)realtime(/|$)',
              message:
                'Feature code must not import realtime/: emit a DomainEvents event (common/events) and let realtime/ listen.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.spec.ts', 'src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundariesForTestCode() },
  },
];
