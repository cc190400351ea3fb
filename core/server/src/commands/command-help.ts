/**
 * What `passmint <command> --help` prints: each command's synopsis and options. The first line of
 * each entry is also its line in `passmint --help`.
 */
export const COMMAND_HELP = {
  serve: `passmint serve
  Start the HTTP API (what \`npm start\` runs); stops cleanly on SIGINT or SIGTERM.
  Configured only through PASSMINT_* environment variables (README.md, "Configuration").`,

  migrate: `passmint migrate
  Create or upgrade the database schema (\`serve\` does it at start too), and seal any secret an
  older release stored in clear.`,

  check: `passmint check [--trust <ca.pem>]... [--json]
  Re-validate every stored pass and look at the push outbox; exit code 1 on problems.
  --trust <ca.pem>   also trust this root certificate (repeatable)
  --json             print the report as JSON`,

  'tenants create': `passmint tenants create <name> [--quota <n>] [Apple certificate] [Google issuer]
  Add a tenant; prints its id alone.
  --quota <n>                      passes a month (default: unlimited)
  --apple-cert <file>              the Pass Type ID certificate, PEM or the DER .cer Apple's portal downloads
  --apple-key <file>               its private key (PEM; with --apple-key-passphrase if encrypted)
  --apple-key-passphrase <p>       passphrase of the key or of the .p12
  --apple-wwdr <file>              the WWDR chain certificate, PEM or DER (default: Apple's WWDR G4)
  --apple-p12 <file>               a .p12 exported from Keychain, instead of --apple-cert and --apple-key
  --google-issuer-id <id>          the tenant's own Google Wallet issuer id (with the next)
  --google-service-account <file>  the service account's JSON key`,

  'tenants update': `passmint tenants update <tenant> [--name <name>] [--quota <n> | --no-quota] [--apple-… | --instance-certificate] [--google-… | --instance-google]
  Change a tenant (by name or id); the Apple and Google options are those of \`tenants create\`.
  --name <name>            rename it
  --quota <n>, --no-quota  set or remove the monthly pass quota
  --instance-certificate   sign with the instance's certificate again
  --instance-google        use the instance's Google issuer again`,

  'tenants list': `passmint tenants list
  One tenant a line: id, name, quota, certificate, Google issuer.`,

  'keys create': `passmint keys create --tenant <tenant> [--label <text>]
  A new API key for a tenant (by name or id); prints the key alone, shown only this once.`,

  'keys list': `passmint keys list --tenant <tenant>
  The tenant's keys: id, prefix, state, label (never the key).`,

  'keys revoke': `passmint keys revoke <key id>
  Revoke a key (ids from \`keys list\`); refused from its next request on.`,

  demo: `passmint demo
  Sign a demo pass to <data dir>/demo.pkpass without a server.`,

  'certs dev': `passmint certs dev [--force]
  Create a development signing identity under <data dir>/dev-certs (passes signed with it do not
  install on a real iPhone).
  --force   replace an existing one`,

  'certs csr': `passmint certs csr --pass-type-id <pass.…> --team-id <team id> [--out <dir>] [--force]
  Write a new RSA-2048 private key (pass.key, 0600) and the certificate signing request to upload
  to Apple (pass.certSigningRequest), then print the next steps (docs/apple-certificates.md).
  --pass-type-id <id>   the Pass Type ID registered with Apple, e.g. pass.com.example.loyalty
  --team-id <id>        your 10-character Apple team id
  --out <dir>           where to write them (default: the current directory)
  --force               overwrite an existing pass.key and pass.certSigningRequest`,

  'pass create': `passmint pass create <body.json> -o <out.pkpass> [--serial <serial>] [--organization <name>]
  Sign a pass from a JSON body (the POST /api/passes body) with the configured identity.`,

  validate: `passmint validate <file.pkpass> [--trust <ca.pem>]... [--json]
  Check a pass the way an iPhone would; exit code 1 on errors.
  --trust <ca.pem>   also trust this root certificate (repeatable)
  --json             print the report as JSON`,

  'secrets status': `passmint secrets status
  Where the master key comes from, its id, and how many stored secrets each key seals.`,

  'secrets rotate': `passmint secrets rotate [--new-key-file <file>]
  Re-seal every stored secret under a new master key, all or none (docs/security.md).
  With the data dir's secret.key: makes a new key and replaces secret.key with it.
  With PASSMINT_SECRET_KEY: --new-key-file names a file holding the new key (openssl rand -base64 32);
  with several keys in PASSMINT_SECRET_KEY, re-seals everything under the first one.
  --new-key-file <file>   the key to move to`,
} as const;

export type CommandName = keyof typeof COMMAND_HELP;

const GROUPS = ['tenants', 'keys', 'certs', 'pass', 'secrets'] as const;

/** `passmint --help`: every command's synopsis. */
export function mainUsage(): string {
  const lines = Object.values(COMMAND_HELP).map((help) => `  ${help.split('\n')[0]?.replace(/^passmint /, '')}`);
  return [
    'Usage: passmint <command> [options]',
    "       passmint <command> --help     that command's options",
    '       passmint --version',
    '',
    'Commands:',
    ...lines,
    '',
    'Configuration comes from PASSMINT_* environment variables (see README.md).',
  ].join('\n');
}

/** The help of one command, or of a group (`passmint tenants --help`); null for neither. */
export function commandUsage(words: string[]): string | null {
  const [group, action] = words;
  const name = `${group} ${action}`;
  if (name in COMMAND_HELP) return `Usage: ${COMMAND_HELP[name as CommandName]}`;
  if (group !== undefined && group in COMMAND_HELP) return `Usage: ${COMMAND_HELP[group as CommandName]}`;
  if ((GROUPS as readonly string[]).includes(group ?? '')) {
    return Object.entries(COMMAND_HELP)
      .filter(([key]) => key.startsWith(`${group} `))
      .map(([, help]) => `Usage: ${help}`)
      .join('\n\n');
  }
  return null;
}
