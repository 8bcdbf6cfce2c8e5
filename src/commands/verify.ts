/**
 * `djyc verify`: is a printed or saved form still what the repository holds? The payload comes from a PDF's
 * information entry, a .docx's custom property, a scanned QR code's text, or a typed short code (found among the
 * forms the repository can print now). The form's view is built again from the working tree and its records'
 * digest compared; when they differ and the form names the commit it came from, the records at that commit are
 * compared field by field with the ones now (the same comparison `djyc log` shows).
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { PDFDocument } from '@pdfme/pdf-lib';
import { UsageError } from '../domain/errors.js';
import { RecordIndex, type RecordEntry, type Repository } from '../domain/records.js';
import { resolveProgramme } from '../domain/programme.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { buildView, type ViewContext } from '../output/forms/views.js';
import { formSubjectOf, formTitle, selectTargets, targetsFor, type FormTarget } from '../output/forms/targets.js';
import { layoutMeta } from '../output/forms/layout.js';
import { normaliseCode, parsePayloads, recordsOfView, VERIFY_KEY, type Payload } from '../output/forms/verification.js';
import { readInfoEntry } from '../pdf/pdf.js';
import { diffRecords, findRecordFile, type FieldChange } from '../store/gitlog.js';
import { gitSync } from '../store/git.js';
import { loadCommit } from '../store/changed.js';
import { viewContext } from './render.js';
import { formContent, gitState, repositoryName, stampOf, targetIds } from './verification.js';

export type VerifyStatus = 'matches' | 'changed' | 'unknown';

export interface RecordChanges {
  kind: string;
  id: string;
  /** The record was added to or removed from what the form shows, or deleted. */
  op: 'changed' | 'added' | 'removed';
  fields: FieldChange[];
}

export interface VerifyOutcome {
  payload: Payload;
  status: VerifyStatus;
  /** Form title and annex, when the form is known. */
  form?: string;
  /** changed: what differs, record by record (empty when it cannot be told). */
  changes: RecordChanges[];
  /** Why a change cannot be detailed, or why the record is unknown. */
  reason?: 'draft' | 'commit-missing' | 'other-repository' | 'no-record' | 'no-form' | 'no-target' | 'record-deleted' | 'code-not-found';
}

// ---- reading payloads -----------------------------------------------------------------------------------------

/** The payloads a file carries: a PDF's information entry, or a .docx's custom property. */
export async function payloadsOfFile(file: string): Promise<Payload[]> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`无法读取文件“${file}”：${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `cannot read "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const ext = path.extname(file).toLowerCase();
  let text: string | undefined;
  if (ext === '.pdf' || bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    try {
      const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
      text = readInfoEntry(doc, VERIFY_KEY);
    } catch {
      throw new UsageError(`“${file}”不是可读取的 PDF 文件`, `"${file}" is not a readable PDF file`);
    }
  } else if (ext === '.docx' || bytes.subarray(0, 2).toString('latin1') === 'PK') {
    text = docxProperty(bytes, file);
  } else {
    throw new UsageError(`“${file}”不是 PDF 或 Word（.docx）文件`, `"${file}" is neither a PDF nor a Word (.docx) file`);
  }
  const payloads = text ? parsePayloads(text) : [];
  if (payloads.length === 0) {
    throw new UsageError(`“${file}”中没有 djyc 的验证信息（不是 djyc 生成的表单，或生成于本功能之前）`, `"${file}" carries no djyc verification data (not a form djyc made, or made before it could)`);
  }
  return payloads;
}

function docxProperty(bytes: Buffer, file: string): string | undefined {
  let xml: string;
  try {
    // Only the properties part is inflated, and only when it is of a sane size (not a zip bomb).
    const files = unzipSync(bytes, { filter: (f) => f.name === 'docProps/custom.xml' && f.originalSize < 1 << 20 });
    const custom = files['docProps/custom.xml'];
    if (!custom) return undefined;
    xml = strFromU8(custom);
  } catch {
    throw new UsageError(`“${file}”不是可读取的 Word（.docx）文件`, `"${file}" is not a readable Word (.docx) file`);
  }
  const prop = new RegExp(`<property\\b[^>]*\\bname="${VERIFY_KEY}"[^>]*>\\s*<vt:lpwstr>([\\s\\S]*?)</vt:lpwstr>`).exec(xml);
  return prop ? decodeXml(prop[1]!) : undefined;
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

// ---- checking ---------------------------------------------------------------------------------------------------

function programmeOf(repo: Repository, index: RecordIndex, r: RecordEntry): ProgrammeRecord | undefined {
  const subject = formSubjectOf(index, r);
  const pid = subject.kind === 'programme' ? subject.id : (subject.data as { programme?: string }).programme;
  try {
    return resolveProgramme(index, pid);
  } catch {
    return undefined;
  }
}

/** The target a payload names in a repository, or why there is none. */
function findTarget(repo: Repository, index: RecordIndex, p: Payload): { target: FormTarget; programme: ProgrammeRecord } | { reason: VerifyOutcome['reason'] } {
  const record = index.any(p.ids[0]);
  if (!record) return { reason: 'no-record' };
  const programme = programmeOf(repo, index, record);
  const form = programme?.forms?.find((f) => f.id === p.form);
  if (!programme || !form) return { reason: 'no-form' };
  const target = targetsFor(index, form, record, layoutMeta(form.template)).find((t) => targetIds(t).join(',') === p.ids.join(','));
  return target ? { target, programme } : { reason: 'no-target' };
}

function contextFor(repo: Repository, programme: ProgrammeRecord, index?: RecordIndex): ViewContext {
  const ctx = viewContext(repo, programme);
  return index ? { ...ctx, index } : ctx;
}

function commitExists(root: string, commit: string): boolean {
  try {
    gitSync(root, ['cat-file', '-e', `${commit}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** Checks one payload against the working tree of `repo`. */
export async function verifyPayload(repo: Repository, p: Payload): Promise<VerifyOutcome> {
  const base = { payload: p, changes: [] as RecordChanges[] };
  if (p.repo !== repositoryName(repo)) return { ...base, status: 'unknown', reason: 'other-repository' };
  const index = new RecordIndex(repo);
  const found = findTarget(repo, index, p);
  if ('reason' in found) {
    // A record that existed and was deleted has changed; one never seen here is unknown.
    if (found.reason === 'no-record') {
      const known = await findRecordFile(repo.root, p.ids[0]!).catch(() => undefined);
      if (known && !known.exists) return { ...base, status: 'changed', reason: 'record-deleted', changes: [{ kind: known.kind, id: p.ids[0]!, op: 'removed', fields: [] }] };
    }
    return { ...base, status: 'unknown', reason: found.reason };
  }
  const { target, programme } = found;
  const ctx = contextFor(repo, programme, index);
  const view = buildView(ctx, target);
  const title = `${target.form.annex ? `${target.form.annex} ` : ''}${formTitle(programme, target.form)}`;
  const now = formContent(ctx, target, view);
  if (now.sha256 === p.sha256) return { ...base, status: 'matches', form: title };
  if (!p.commit) return { ...base, status: 'changed', form: title, reason: 'draft' };
  if (!commitExists(repo.root, p.commit)) return { ...base, status: 'changed', form: title, reason: 'commit-missing' };

  // The records the form showed at its commit, against the ones it shows now.
  const old = loadCommit(repo.root, p.commit, repo);
  const oldIndex = new RecordIndex(old);
  const oldFound = findTarget(old, oldIndex, p);
  const oldRecords = 'reason' in oldFound ? [] : recordsOfView(oldIndex, buildView(contextFor(old, oldFound.programme, oldIndex), oldFound.target), targetIds(oldFound.target));
  const newRecords = recordsOfView(index, view, targetIds(target));
  const byKey = (list: RecordEntry[]) => new Map(list.map((r) => [`${r.kind}/${r.id}`, r]));
  const before = byKey(oldRecords);
  const after = byKey(newRecords);
  const changes: RecordChanges[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    const [kind, id] = key.split('/') as [string, string];
    if (a && b) {
      const fields = diffRecords(a.data, b.data);
      if (fields.length) changes.push({ kind, id, op: 'changed', fields });
    } else {
      // Shown now but not then (a task added to the project), or the other way round; or deleted since.
      const still = b ?? index.any(id);
      const fields = a && still ? diffRecords(a.data, still.data) : [];
      changes.push({ kind, id, op: b ? 'added' : 'removed', fields });
    }
  }
  return { ...base, status: 'changed', form: title, changes };
}

/** Finds a typed short code among the forms the repository can print now (every form of every programme). */
export function findCode(repo: Repository, code: string): Payload | undefined {
  const index = new RecordIndex(repo);
  const state = gitState(repo);
  for (const entry of index.all('programme')) {
    const programme = entry.data as ProgrammeRecord;
    const ctx = contextFor(repo, programme, index);
    for (const target of selectTargets(index, programme, { includeUnreached: true })) {
      const stamp = stampOf(ctx, target, buildView(ctx, target), state);
      if (stamp.code === code) return stamp.payload;
    }
  }
  return undefined;
}

/** What `djyc verify` was given: a file, a payload text (a scanned QR code), or a typed code. */
export async function verifyInput(repo: Repository, input: string, cwd: string): Promise<VerifyOutcome[]> {
  const asPayloads = parsePayloads(input);
  if (asPayloads.length) return Promise.all(asPayloads.map((p) => verifyPayload(repo, p)));
  const code = normaliseCode(input);
  const file = path.resolve(cwd, input);
  if (code && !fs.existsSync(file)) {
    const p = findCode(repo, code);
    if (!p) return [{ payload: { repo: repositoryName(repo), form: '', ids: [], sha256: '' }, status: 'unknown', reason: 'code-not-found', changes: [] }];
    return [await verifyPayload(repo, p)];
  }
  const payloads = await payloadsOfFile(file);
  const out: VerifyOutcome[] = [];
  for (const p of payloads) out.push(await verifyPayload(repo, p));
  return out;
}
