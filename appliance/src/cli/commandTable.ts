/**
 * The appliance's command line (docs/appliance.md, SPEC "Command line"): every command, its flags,
 * its positional and its usage. The kernel's parser (`@iamanager/kernel/cli`) reads argv against
 * this table: a flag a command does not take is refused with that command's usage, and
 * `appliance help <command>` / `appliance <command> --help` print it.
 */
import { commandLine, type CommandTable } from '@iamanager/kernel/cli';
import { ApplianceError } from '../errors.js';

const s = { type: 'string' } as const;
const b = { type: 'boolean' } as const;

export const COMMANDS: CommandTable = {
  'serve': { options: {}, json: false, usage: "serve                                   # run the cabinet's app" },
  'enroll': {
    options: { 'code': s, 'control-plane': s, 'offline': b, 'out': s },
    usage: 'enroll --code CODE [--control-plane URL] [--offline --out FILE]',
  },
  'license import': {
    options: {},
    positional: 'file',
    usage: 'license import FILE                     # a license file, for cabinets without outbound network',
  },
  'license show': { options: {}, usage: 'license show' },
  'user add': {
    options: { email: s, role: s, name: s },
    stdin: true,
    usage: 'user add --email E --role ROLE [--name N]   # password from stdin',
  },
  'token create': {
    options: { 'email': s, 'label': s, 'expires-in-days': s },
    usage: 'token create --email E [--label L] [--expires-in-days N]   # a personal API token (default 90 days, at most 365)',
  },
  'usage export': { options: { month: s, out: s }, usage: 'usage export --month YYYY-MM --out FILE' },
  'heartbeat': { options: {}, usage: 'heartbeat                               # send a heartbeat now' },
  'doctor': { options: {}, usage: 'doctor                                  # check configuration, license, storage, disk, control plane' },
  'audit verify': { options: {}, usage: "audit verify                            # check the audit log's hash chain" },
  'tls import': {
    options: { cert: s, key: s },
    usage: "tls import --cert FILE --key FILE       # serve the cabinet's own certificate instead of the appliance's CA",
  },
  'update': {
    options: { manifest: s, to: s, bundle: s },
    usage:
      'update [--manifest FILE] [--to x.y.z] [--bundle DIR]   # Docker bundle: verify the signed manifest (default update-<version>.jws), pull by digest, encrypted backup, recreate, restore and roll back if unhealthy',
  },
  'backup create': {
    options: { kind: s },
    usage: 'backup create [--kind manual|pre-update]   # encrypted backup of DATA_DIR into BACKUP_DIR',
  },
  'backup list': {
    options: { target: s },
    usage: 'backup list [--target ID]               # the backups in BACKUP_DIR (or on an off-site target), newest first',
  },
  'backup verify': {
    options: { 'passphrase-stdin': b, 'target': s },
    positional: 'file',
    usage:
      'backup verify [FILE] [--passphrase-stdin] [--target ID]   # decrypt and check a backup (default: the newest); --target: FILE is a name on that off-site target',
  },
  'backup restore': {
    options: { 'force': b, 'passphrase-stdin': b, 'target': s },
    positional: 'file',
    usage:
      'backup restore FILE [--force] [--passphrase-stdin] [--target ID]   # appliance stopped; --force moves current data aside; --target: from an off-site target',
  },
  'support-bundle': {
    options: { out: s, upload: s },
    usage:
      'support-bundle --out FILE | --upload FILE   # logs, doctor, versions, state for the vendor (no case data); read it, then --upload sends it',
  },
  'reminders run': {
    options: {},
    usage: 'reminders run                           # send the deadline reminders due now (cron, tests), ignoring the back-off',
  },
  'reminders list': {
    options: {},
    usage: 'reminders list                          # every reminder of the open deadlines: when, to whom, sent or not',
  },
  'proof verify': {
    options: {},
    positional: 'file',
    usage:
      "proof verify FILE                       # check a proof of diligence (.jws) against this appliance's key and print what it states",
  },
  'proof public-key': {
    options: {},
    usage: 'proof public-key                        # the public key (JWK, PEM) anyone verifies proofs of diligence with',
  },
  'users reset-second-factor': {
    options: {},
    positional: 'email',
    usage:
      "users reset-second-factor EMAIL         # remove a user's authenticator app and recovery codes, end their sessions (audited): the way back in for a locked-out last admin",
  },
  'sso show': {
    options: {},
    usage:
      'sso show                                # single sign-on: provider, redirect URI, whether password login is off (never the secret)',
  },
  'sso allow-local-login': {
    options: {},
    usage: 'sso allow-local-login                   # password login back on for everyone (the identity provider is broken)',
  },
  // Off-site targets (docs/backup.md « Copies hors site »): secrets never on the command line.
  'backup target add': {
    options: {
      'kind': s,
      'id': s,
      'label': s,
      'path': s,
      'host': s,
      'port': s,
      'user': s,
      'password-stdin': b,
      'private-key': s,
      'remote-dir': s,
      'host-key': s,
      'keep': s,
      'days': s,
      'disabled': b,
      // S3 (s3Target.ts): the secret access key only through stdin.
      'endpoint': s,
      'region': s,
      'bucket': s,
      'prefix': s,
      'access-key-id': s,
      'secret-key-stdin': b,
      'path-style': b,
    },
    stdin: true,
    usage:
      'backup target add --kind folder|sftp|s3 --id ID --label L [--path DIR] [--host H --port 22 --user U (--private-key FILE | --password-stdin) --remote-dir DIR --host-key SHA256:…] [--endpoint https://… --region R --bucket B [--prefix P] --access-key-id K --secret-key-stdin [--path-style]] [--keep N] [--days D] [--disabled]',
  },
  'backup target edit': {
    options: {
      'label': s,
      'path': s,
      'host': s,
      'port': s,
      'user': s,
      'password-stdin': b,
      'private-key': s,
      'remote-dir': s,
      'host-key': s,
      'keep': s,
      'days': s,
      'enabled': b,
      'disabled': b,
      // S3 (s3Target.ts): the secret access key only through stdin.
      'endpoint': s,
      'region': s,
      'bucket': s,
      'prefix': s,
      'access-key-id': s,
      'secret-key-stdin': b,
      'path-style': b,
      'virtual-hosted': b,
    },
    positional: 'id',
    stdin: true,
    usage:
      'backup target edit ID [--host-key SHA256:…] [--keep N] [--days D] [--enabled|--disabled] [--virtual-hosted] [...the options of add]   # what is not given stays; --virtual-hosted turns S3 path-style off',
  },
  'backup target list': { options: {}, usage: 'backup target list                      # the off-site targets and their last copy' },
  'backup target remove': {
    options: {},
    positional: 'id',
    usage: 'backup target remove ID                 # stop pushing there (the copies already sent stay)',
  },
  'backup target test': {
    options: {},
    positional: 'id',
    usage: 'backup target test ID                   # connect, write, read back and remove a probe file; SFTP: shows the host key to pin',
  },
};

/** `appliance help`, `appliance <command> --help`, and every command's arguments, parsed. */
export const APPLIANCE_CLI = commandLine({
  bin: 'appliance',
  commands: COMMANDS,
  error: (_code, message) => new ApplianceError('invalid_input', message),
});
