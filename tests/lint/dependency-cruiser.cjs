// The import graph's rules (`npm run lint`). Both services are organised the same way — see the
// README's layout section: wiring at the top of src/, then domain/ (rules and use cases, by
// feature), storage/ (record shapes and stores), api/ (JSON routers), web/ (pages), cli/ and
// auth/ (who is calling). Arrows run one way: from the edges (api, web, cli) to the domain, from
// the domain to storage and the kernel; never back, never in a circle.
const SERVICE = '^(appliance|control-plane)/src/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports: break it by moving what both sides need down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'storage-stays-down',
      severity: 'error',
      comment: 'storage/ holds record shapes and stores: it imports the kernel and the wire contract, never the domain or an edge.',
      from: { path: `${SERVICE}storage/` },
      to: { path: `${SERVICE}(domain|api|web|cli|auth)/` },
    },
    {
      name: 'domain-below-edges',
      severity: 'error',
      comment: 'The domain is called by the routers, pages and commands; it never imports them (move what both need into the domain).',
      from: { path: `${SERVICE}domain/` },
      to: { path: `${SERVICE}(api|web|cli)/` },
    },
    {
      name: 'auth-and-presenters-below-edges',
      severity: 'error',
      comment: 'auth/ and presenters/ serve the routers, pages and commands; they never import them.',
      from: { path: `${SERVICE}(auth|presenters)/` },
      to: { path: `${SERVICE}(api|web|cli)/` },
    },
    {
      name: 'pages-and-api-are-siblings',
      severity: 'error',
      comment: 'Pages and the JSON API both call the domain; neither imports the other.',
      from: { path: `${SERVICE}web/` },
      to: { path: `${SERVICE}api/` },
    },
    {
      name: 'api-and-pages-are-siblings',
      severity: 'error',
      comment: 'Pages and the JSON API both call the domain; neither imports the other.',
      from: { path: `${SERVICE}api/` },
      to: { path: `${SERVICE}web/` },
    },
    {
      name: 'services-stay-apart',
      severity: 'error',
      comment: 'The appliance and the control plane share only protocol/ and its kernel.',
      from: { path: '^appliance/' },
      to: { path: '^control-plane/' },
    },
    {
      name: 'services-stay-apart-2',
      severity: 'error',
      comment: 'The appliance and the control plane share only protocol/ and its kernel.',
      from: { path: '^control-plane/' },
      to: { path: '^appliance/' },
    },
    {
      name: 'kernel-serves-services',
      severity: 'error',
      comment: 'The kernel knows nothing of either service.',
      from: { path: '^protocol/' },
      to: { path: '^(appliance|control-plane)/' },
    },
    {
      name: 'wire-is-only-the-wire',
      severity: 'error',
      comment: 'The wire contract (protocol/src) depends on jose and zod only: what a third party needs to speak to the control plane.',
      from: { path: '^protocol/src/' },
      to: { path: '^protocol/kernel/' },
    },
    {
      name: 'wire-npm-deps',
      severity: 'error',
      comment: 'The wire contract (protocol/src) depends on jose and zod only.',
      from: { path: '^protocol/src/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown'], pathNot: 'node_modules/(jose|zod)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'default'],
      extensions: ['.ts', '.tsx', '.js'],
    },
  },
};
