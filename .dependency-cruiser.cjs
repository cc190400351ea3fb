// The arrows between Passmint's packages, checked by `npm test` (`npm run boundaries`) so nobody
// has to remember them. test/src/boundaries.test.ts proves each rule fails on a file that breaks it.

/** A package folder; the capture is the package, for "into another package" rules. */
const PACKAGE = '^(core/[^/]+|cli|integrations/[^/]+|n8n-nodes|zapier-app|shopify-app|test|bench)/';
/** The faces: adapters and apps on top of the server and the API. */
const FACE = '^(integrations/[^/]+|n8n-nodes|zapier-app|shopify-app)/';
/**
 * A face's test sources, which may also use @passmint/server/testing. The test packages (test/,
 * bench/) are no faces: they may start a server and drive every face against it.
 */
const FACE_TEST = '(\\.test\\.ts$|/test-support/)';
/** A face, as a resolved source path or, unresolved, by package name. */
const FACE_TARGET =
  '^(integrations/|n8n-nodes/|zapier-app/|shopify-app/|@passmint/(client|commerce|woocommerce|shopify-app)(/|$)|n8n-nodes-passmint|passmint-zapier)';

module.exports = {
  forbidden: [
    {
      name: 'engine-imports-no-workspace-package',
      comment:
        'The engine is the pure core every other package builds on: it imports no other package of ours ' +
        '(no @passmint/*, no relative path out of core/engine).',
      severity: 'error',
      from: { path: '^core/engine/' },
      to: {
        path: '^(core/(?!engine/)|cli/|integrations/|n8n-nodes/|zapier-app/|shopify-app/|test/|bench/|@passmint/(?!engine(/|$))|n8n-nodes-passmint|passmint-zapier)',
      },
    },
    {
      name: 'server-imports-no-face',
      comment:
        'The server offers seams (plugins) that faces plug into; it never imports a face ' +
        '(commerce, WooCommerce, Shopify, the client, n8n, Zapier), nor the passmint command that assembles them.',
      severity: 'error',
      from: { path: '^core/server/' },
      to: { path: `${FACE_TARGET}|^(cli/|@passmint/cli(/|$))` },
    },
    {
      name: 'face-imports-server-entries-only',
      comment:
        'A face uses the server only through its published entries, @passmint/server and @passmint/server/plugin ' +
        '(and @passmint/server/testing from tests), never its internals.',
      severity: 'error',
      from: { path: FACE, pathNot: FACE_TEST },
      to: {
        path: '^(core/server/|@passmint/server/)',
        pathNot: '^(core/server/src/(index|plugin)\\.ts$|core/server/src/plugin/index\\.ts$|@passmint/server/plugin$)',
      },
    },
    {
      name: 'face-tests-import-server-entries-only',
      comment: "A face's tests may also use @passmint/server/testing, and still no internals of the server.",
      severity: 'error',
      from: { path: FACE + '.*' + FACE_TEST },
      to: {
        path: '^(core/server/|@passmint/server/)',
        pathNot: '^(core/server/src/(index|plugin)\\.ts$|core/server/src/(plugin|testing)/index\\.ts$|@passmint/server/(plugin|testing)$)',
      },
    },
    {
      name: 'n8n-node-imports-nothing-at-run-time',
      comment:
        'n8n-nodes-passmint is published alone and installed into n8n: at run time it loads only Node built-ins, ' +
        'n8n-workflow and its own files. Imports TypeScript erases (types only) are allowed.',
      severity: 'error',
      from: { path: '^n8n-nodes/', pathNot: FACE_TEST },
      to: {
        pathNot: '^(n8n-nodes/(?!node_modules/)|n8n-workflow$)|(^|/)node_modules/n8n-workflow/',
        // pre-compilation-only: imports TypeScript erases (`import type`, or only `type` names).
        dependencyTypesNot: ['core', 'pre-compilation-only'],
      },
    },
    {
      name: 'client-takes-only-types-of-ours',
      comment:
        '@passmint/client is bundled into the Zapier app and used by remote faces: at run time it requires nothing of ' +
        "ours but the engine's errors entry (which loads nothing), and takes its types from the engine only.",
      severity: 'error',
      from: { path: '^integrations/client/', pathNot: FACE_TEST },
      to: {
        path: '^(core/|integrations/(?!client/)|n8n-nodes/|zapier-app/|shopify-app/|@passmint/|n8n-nodes-passmint|passmint-zapier)',
        pathNot: '^(core/engine/src/errors\\.ts|@passmint/engine/errors)$',
        dependencyTypesNot: ['pre-compilation-only'],
      },
    },
    {
      name: 'no-relative-import-into-another-package',
      comment: 'A package reaches another only by its name and published entries, never by a relative path into its src/ or dist/.',
      severity: 'error',
      from: { path: PACKAGE },
      to: { path: PACKAGE, pathNot: '^$1/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'no-deep-import-into-a-package',
      comment: "Outside the test packages, another package's src/ or dist/ is not imported by name either.",
      severity: 'error',
      from: { path: PACKAGE, pathNot: '^(test|bench)/' },
      to: {
        path: '^((core/[^/]+|cli|integrations/[^/]+|n8n-nodes|zapier-app|shopify-app)/dist/|(@passmint/[^/]+|n8n-nodes-passmint|passmint-zapier)/(src|dist)(/|$))',
        pathNot: '^$1/', // its own build output is its own business
      },
    },
  ],
  options: {
    doNotFollow: { path: ['(^|/)node_modules/', '(^|/)dist/'] },
    tsPreCompilationDeps: 'specify',
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
