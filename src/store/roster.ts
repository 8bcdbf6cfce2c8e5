/** The phone roster: members' phone numbers kept outside the repository (see domain/privacy.ts for masking). */
import path from 'node:path';
import { UsageError } from '../domain/errors.js';
import { readBounded } from './containment.js';

/** The part of djyc.yaml this module reads. */
export interface PersonalDataConfig {
  personal_data?: { phone_roster?: string };
}

/**
 * Reads the phone roster named by `personal_data.phone_roster` (a CSV `id,phone` kept outside the repository so
 * records need not hold phone numbers). A relative path is resolved against the repository root. A header line
 * (`id,phone` or `编号,电话`) is skipped; blank lines and `#` comments are ignored. Errors name the file and line
 * but never the phone value.
 */
export function readPhoneRoster(root: string, config: PersonalDataConfig): Map<string, string> {
  const setting = config.personal_data?.phone_roster;
  const roster = new Map<string, string>();
  if (!setting) return roster;
  const file = path.resolve(root, setting);
  // Outside the repository by design, so a link is fine; a device or FIFO is not, and no more than 16 MiB is read.
  const read = readBounded(file, 16 * 1024 * 1024, { follow: true });
  if (!read.ok) {
    if (read.rule === 'path-missing') throw new UsageError(`找不到电话名册 ${file}（djyc.yaml 中的 personal_data.phone_roster）`, `phone roster ${file} not found (personal_data.phone_roster in djyc.yaml)`);
    throw new UsageError(`电话名册 ${file} 不是普通文件或超过 16 MiB（djyc.yaml 中的 personal_data.phone_roster）`, `phone roster ${file} is not a regular file or exceeds 16 MiB (personal_data.phone_roster in djyc.yaml)`);
  }
  const text = read.bytes.toString('utf8');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const cells = line.split(/[,，\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const [id, phone] = cells;
    if (i === 0 && id && /^(id|编号|member)$/i.test(id)) return;
    if (!id || !phone || cells.length > 2 || !/^[0-9][0-9 -]{4,19}$/.test(phone)) {
      throw new UsageError(`电话名册 ${file} 第 ${i + 1} 行格式不正确（应为：编号,电话）`, `phone roster ${file} line ${i + 1} is malformed (expected: id,phone)`);
    }
    roster.set(id, phone);
  });
  return roster;
}
