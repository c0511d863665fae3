/**
 * A cabinet's install bundle (`control-plane cabinet bundle ID --out DIR`): everything the
 * cabinet's IT person needs, ready to copy to their server — the compose file, a `.env` holding
 * the cabinet's identity from its record, a fresh enrollment code and the pins of the vendor's
 * license keys, `install.sh` and a French README. The compose file, script and README come from `docker/appliance/`, the one place they
 * are maintained (the control plane's image, `docker/Dockerfile` target `control-plane`, ships that folder).
 */
import fs from 'node:fs';
import type { CabinetRecord } from '../storage/records.js';
import { ControlPlaneError } from '../errors.js';

const SOURCES = new URL('../../../docker/appliance/', import.meta.url);

export interface BundleFile {
  name: string;
  content: string;
  mode: number;
}

/** A `.env` value: one line, and no ` #` that a dotenv parser would read as a comment. */
function envValue(value: string | null | undefined): string {
  return (value ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/\s#/g, ' ')
    .trim();
}

export function installBundle(
  cabinet: CabinetRecord,
  options: {
    enrollmentCode: string;
    expiresAt: string;
    controlPlaneUrl: string;
    applianceVersion: string;
    /** Thumbprints of every published vendor key (two during a rotation): `keyThumbprints(keys.jwks())`. */
    vendorKeyPins: readonly string[];
  },
): BundleFile[] {
  const read = (name: string) => {
    try {
      return fs.readFileSync(new URL(name, SOURCES), 'utf8');
    } catch {
      throw new ControlPlaneError(
        'bundle_sources_missing',
        `cannot read docker/appliance/${name} beside the control plane: reinstall the control plane`,
      );
    }
  };
  const env = [
    `# IAManager — ${envValue(cabinet.name)}. Généré le ${new Date().toISOString().slice(0, 10)} par le control plane.`,
    "# Identité du cabinet (modifiable) ; le plan et les limites viennent de la licence signée, pas d'ici.",
    `CLIENT_ID=${cabinet.id}`,
    `CLIENT_NAME=${envValue(cabinet.name)}`,
    `INSTANCE_NAME=${cabinet.id}-prod`,
    `CLIENT_SIRET=${envValue(cabinet.siret)}`,
    `CLIENT_ADDRESS=${envValue(cabinet.address)}`,
    `CLIENT_PHONE=${envValue(cabinet.phone)}`,
    `CLIENT_EMAIL=${envValue(cabinet.email)}`,
    '',
    "# Le seul service contacté à l'extérieur (compteurs d'usage signés).",
    `CONTROL_PLANE_URL=${options.controlPlaneUrl}`,
    `APPLIANCE_IMAGE=iamanager/appliance:${options.applianceVersion}`,
    '',
    "# Empreintes des clés de signature des licences de l'éditeur (RFC 7638, séparées par des virgules).",
    "# L'appliance refuse toute licence signée par une autre clé, même écrite dans son dossier de données.",
    "# Quand l'éditeur change de clé, il envoie une nouvelle ligne : remplacez celle-ci, puis redémarrez.",
    `VENDOR_KEY_PINS=${options.vendorKeyPins.join(',')}`,
    '',
    `# Code d'enrôlement à usage unique, valable jusqu'au ${options.expiresAt.slice(0, 10)} (install.sh l'utilise).`,
    `ENROLLMENT_CODE=${options.enrollmentCode}`,
    '',
    '# Sauvegardes chiffrées, chaque jour à BACKUP_TIME (heure locale), dans ./backups. Choisissez une',
    "# phrase de passe d'au moins 16 caractères et gardez-en une copie HORS de ce serveur : sans elle,",
    "# aucune sauvegarde ne peut être restaurée, ni par vous ni par l'éditeur. Vide = pas de sauvegarde.",
    'BACKUP_PASSPHRASE=',
    'BACKUP_TIME=02:30',
    '',
    '# Ports du serveur (80 et 443 par défaut).',
    'HTTP_PORT=80',
    'HTTPS_PORT=443',
    '',
    '# Noms et adresses privées par lesquels les postes du cabinet joignent ce serveur, séparés par des',
    "# virgules (ex. iamanager.cabinet.lan,192.168.1.20) : l'autorité de certification de l'appareil ne",
    '# peut signer que pour eux, ses propres noms et les adresses privées. À remplir avant le premier démarrage.',
    'TLS_NAMES=',
    '',
  ].join('\n');
  return [
    { name: 'compose.yaml', content: read('compose.yaml'), mode: 0o644 },
    { name: '.env', content: env, mode: 0o600 },
    { name: 'install.sh', content: read('install.sh'), mode: 0o755 },
    { name: 'LISEZMOI.md', content: read('LISEZMOI.md'), mode: 0o644 },
  ];
}
