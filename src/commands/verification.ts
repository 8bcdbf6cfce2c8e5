/**
 * Stamps for verifiable paper (output/forms/verification.ts): the digest of the records a form shows, the commit
 * they come from when they have no uncommitted change, and the short code. Reads git once per batch.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CONFIG_FILE, RECORDS_DIR } from '../domain/kinds.js';
import type { RecordEntry, Repository } from '../domain/records.js';
import { gitSync } from '../store/git.js';
import { canonicalContent, payloadText, recordsOfView, shortCode, type Payload, type Stamp } from '../output/forms/verification.js';
import type { ViewContext } from '../output/forms/views.js';
import type { FormTarget } from '../output/forms/targets.js';

export interface GitState {
  /** The repository's name as printed on forms. */
  repoName: string;
  /** HEAD, when the repository is in git and has a commit. */
  head?: string;
  /** Repository-relative files with uncommitted changes (modified, added, untracked, deleted) under records/ and djyc.yaml. */
  dirty: Set<string>;
}

export function repositoryName(repo: Repository): string {
  return (repo.config.name ?? '').trim() || path.basename(repo.root);
}

/**
 * HEAD and the uncommitted files of the records; outside git, no HEAD (every form is then a draft). With `files`
 * (repository-relative), git is asked about those and djyc.yaml only: for a few forms of a big repository, a status
 * of every record file costs more than the forms.
 */
export function gitState(repo: Repository, files?: readonly string[]): GitState {
  const repoName = repositoryName(repo);
  try {
    const [head, prefix] = gitSync(repo.root, ['rev-parse', 'HEAD', '--show-prefix']).split('\n');
    // :(literal): a file name is a name, never a pattern.
    const paths = files ? [...files, CONFIG_FILE].map((f) => `:(literal)${f}`) : [RECORDS_DIR, CONFIG_FILE];
    const status = gitSync(repo.root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', ...paths]);
    const dirty = new Set<string>();
    for (const entry of status.split('\0')) {
      if (entry.length < 4) continue;
      const file = entry.slice(3);
      dirty.add(prefix && file.startsWith(prefix) ? file.slice(prefix.length) : file);
    }
    return { repoName, head: /^[0-9a-f]{40,64}$/.test(head ?? '') ? head : undefined, dirty };
  } catch {
    return { repoName, dirty: new Set() };
  }
}

/** SHA-256 as base64url (43 characters). */
export function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** The ids a payload names for a target: the record, then its member or unit. */
export function targetIds(t: FormTarget): string[] {
  return [t.record.id, ...(t.member ? [t.member] : []), ...(t.unit ? [t.unit] : [])];
}

/** The records a form shows (see recordsOfView) and their digest. */
export function formContent(ctx: ViewContext, target: FormTarget, view: Record<string, unknown>): { records: RecordEntry[]; sha256: string } {
  const records = recordsOfView(ctx.index, view, targetIds(target));
  return { records, sha256: digest(canonicalContent(records)) };
}

export function stampFor(payload: Payload, draft: boolean): Stamp {
  const text = payloadText(payload);
  // The code leaves out the commit: it names the content, so a typed code is found again after later commits.
  const code = shortCode(createHash('sha256').update(payloadText({ ...payload, commit: undefined }), 'utf8').digest('hex'));
  return { payload, text, code, draft };
}

/** The stamp of one form: draft when a record it shows (or djyc.yaml) has uncommitted changes, or outside git. */
export function stampOf(ctx: ViewContext, target: FormTarget, view: Record<string, unknown>, state: GitState, content = formContent(ctx, target, view)): Stamp {
  const { records, sha256 } = content;
  const draft = !state.head || state.dirty.has(CONFIG_FILE) || records.some((r) => state.dirty.has(r.file));
  const payload: Payload = { repo: state.repoName, form: target.form.id, ids: targetIds(target), sha256, ...(draft ? {} : { commit: state.head }) };
  return stampFor(payload, draft);
}
