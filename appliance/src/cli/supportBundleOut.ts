/**
 * The CLI side of `appliance support-bundle`: exactly one of --out FILE (the bundle built where the
 * data is open, written here) and --upload FILE (its absolute path handed to where the data is
 * open, which holds the appliance key).
 */
import path from 'node:path';
import type { ParsedCommand } from '@iamanager/kernel/cli';
import { writeFileDurable } from '@iamanager/kernel/storage';
import { ApplianceError } from '../errors.js';

type Run = (args: Record<string, string | boolean>) => Promise<unknown>;

export async function supportBundleHandler(parsed: ParsedCommand, run: Run): Promise<{ result: unknown; text: string }> {
  const out = parsed.args.out;
  const upload = parsed.args.upload;
  if ((typeof out === 'string') === (typeof upload === 'string') || out === '' || upload === '')
    throw new ApplianceError(
      'invalid_input',
      '--out or --upload: give one — `appliance support-bundle --out FILE` writes the bundle to read; `--upload FILE` sends that file to the vendor',
    );
  if (typeof upload === 'string') {
    const result = (await run({ 'upload-path': path.resolve(upload) })) as { uploaded: { id: string; expiresAt: string } };
    return { result, text: `sent to the vendor as ${result.uploaded.id}; kept there until ${result.uploaded.expiresAt}` };
  }
  const built = (await run({})) as { bundle: string; sha256: string; bytes: number; files: { path: string; why: string }[] };
  const file = path.resolve(out as string);
  await writeFileDurable(file, Buffer.from(built.bundle, 'base64'), { keepBackup: false });
  const { bundle: _bytes, ...summary } = built;
  const lines = built.files.map((f) => `  ${f.path}: ${f.why}`).join('\n');
  return {
    result: { ...summary, out: file },
    text: `written to ${file} (${built.bytes} bytes, sha256 ${built.sha256}):\n${lines}\nRead it (tar -xzf ${path.basename(file)}), then send it with: appliance support-bundle --upload ${file}`,
  };
}
