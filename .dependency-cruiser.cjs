/**
 * The house's arrows, checked in `npm test` (issue 19; ARCHITECTURE in docs/decisions/0009):
 * rooms import downwards only, the contract is a leaf, telephony knows no domain, tools are not
 * tests. `npx depcruise src scripts bench tools` prints any violation with the import that
 * breaks it.
 */
const DOMAIN = '^src/(calls|agents|workorders|users|media|events|config|db|kb|supervision)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other in a loop: one of them belongs lower, or the shared part in a file of its own.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'contract-is-a-leaf',
      severity: 'error',
      comment: 'The vocabulary shared by server and web app imports only zod (and itself).',
      from: { path: '^src/contract/' },
      to: { pathNot: ['^src/contract/', 'node_modules/zod/'] },
    },
    {
      name: 'telephony-knows-no-domain',
      severity: 'error',
      comment: 'src/telephony is Asterisk only: the domain calls it, never the other way round.',
      from: { path: '^src/telephony/' },
      to: { path: '^src/(calls|agents|workorders|users|media|realtime|http|events|contract|web)/' },
    },
    {
      name: 'workorders-know-no-calls',
      severity: 'error',
      comment: 'Work orders are below the call path: calls/ uses workorders/, not the other way round.',
      from: { path: '^src/workorders/' },
      to: { path: '^src/calls/' },
    },
    {
      name: 'domain-knows-no-transport',
      severity: 'error',
      comment: 'The domain never imports the HTTP or socket.io layers; shared shapes live in src/contract.',
      from: { path: DOMAIN },
      to: { path: '^src/(http|realtime)/' },
    },
    {
      name: 'server-knows-no-web-app',
      severity: 'error',
      comment: 'The browser app is built by Vite and only served as files.',
      from: { path: '^src/', pathNot: '^src/web/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'web-bundles-no-zod',
      severity: 'error',
      comment:
        'The web app imports values only from the zod-free contract files (types from any): a value import of a schema file bundles zod into the browser. Move a shared constant to a plain file such as console-vocabulary.ts.',
      from: { path: '^src/web/' },
      to: {
        path: '^src/contract/',
        pathNot: '^src/contract/(ack|console-commands|console-vocabulary|csrf|desk|kb-body|lead|reports|wallboard|work-orders)[.]ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'tools-are-not-tests',
      severity: 'error',
      comment: 'Sandboxes used by tests, demo and bench live in tools/; nothing outside test/ imports test/.',
      from: { path: '^(src|scripts|bench|tools)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/telephony/ari/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
