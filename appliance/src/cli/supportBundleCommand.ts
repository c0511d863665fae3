/**
 * `appliance support-bundle --out FILE` writes the bundle for the IT person to read (it is a
 * .tar.gz of text files); `appliance support-bundle --upload FILE` then sends that same file to the
 * vendor's control plane, signed by the appliance key. Two steps on purpose: nothing leaves the
 * cabinet before someone has been able to look at it.
 */
import fs from 'node:fs/promises';
import type { Appliance } from '../appliance.js';
import { makeSupportBundle } from '../domain/support/supportBundles.js';
import { uploadSupportBundle } from '../domain/support/uploadSupport.js';
import { MAX_SUPPORT_BUNDLE_BYTES } from '@iamanager/protocol';
import { ApplianceError } from '../errors.js';
import { runDoctor } from './doctor.js';

/** Run where the data is open: builds the bundle, or uploads the file at the absolute path `upload-path`. */
export async function supportBundleCommand(appliance: Appliance, args: Record<string, string | boolean>): Promise<unknown> {
  const upload = args['upload-path'];
  if (typeof upload === 'string') {
    const stat = await fs.stat(upload).catch(() => undefined);
    if (!stat?.isFile()) throw new ApplianceError('invalid_input', `--upload: ${upload} is not a file: give the bundle --out wrote`);
    if (stat.size > MAX_SUPPORT_BUNDLE_BYTES)
      throw new ApplianceError(
        'support_bundle_too_large',
        `--upload: ${upload} is ${stat.size} bytes, over the ${MAX_SUPPORT_BUNDLE_BYTES} the control plane takes: is it a support bundle?`,
      );
    const bytes = await fs.readFile(upload);
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b)
      throw new ApplianceError('invalid_input', `--upload: ${upload} is not a .tar.gz: give the bundle --out wrote`);
    const receipt = await uploadSupportBundle(appliance, bytes);
    await appliance.audit.append({ actor: 'cli', action: 'support.upload', detail: receipt.id });
    return { uploaded: receipt };
  }
  const bundle = await makeSupportBundle(appliance, () => runDoctor(appliance));
  return {
    sha256: bundle.sha256,
    bytes: bundle.bytes.length,
    createdAt: bundle.createdAt,
    files: bundle.files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.content), why: f.why })),
    bundle: bundle.bytes.toString('base64'),
  };
}
