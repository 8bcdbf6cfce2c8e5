// Verifiable paper, through the built CLI against a real git repository (a copy of examples/huishan-2020): forms
// printed as PDF and Word, a record edited and committed, then `djyc verify` on the files, on the QR code's text and
// on the typed code; drafts from uncommitted changes and --final; a Word pack.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PDFDocument } from '@pdfme/pdf-lib';
import jsQR from 'jsqr';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInfoEntry } from '../src/pdf/pdf.js';
import { parsePayloads, VERIFY_KEY } from '../src/output/forms/verification.js';
import { djyc, git, ROOT, tempDir } from './helpers.js';
import { docxParts, partText, decodeXml } from './docx-helpers.js';

const KAIBAN = 'p-2020-hs-kaiban';
const JIAOTONG = 'p-2020-hs-jiaotong';
const pdfText = (pdf: string): string => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });

/**
 * The QR codes a phone would read off the foot of each page of a PDF (its bottom 40 mm rasterised by poppler at
 * 300 dpi, as a printer would, and read by jsQR).
 */
function pageQrCodes(pdf: string): Array<string | undefined> {
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  return Array.from({ length: pages }, (_, k) => {
    const band = ['-x', '0', '-y', String(Math.round((257 / 25.4) * 300)), '-W', '2480', '-H', String(Math.round((40 / 25.4) * 300))];
    const pgm = execFileSync('pdftoppm', ['-gray', '-r', '300', ...band, '-f', String(k + 1), '-l', String(k + 1), pdf], { maxBuffer: 1 << 26 });
    const [, w, h] = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 32).toString('latin1'))!.map(Number) as [number, number, number];
    const pixels = pgm.subarray(pgm.length - w * h);
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.fill(pixels[i]!, 4 * i, 4 * i + 3).fill(255, 4 * i + 3, 4 * i + 4);
    return jsQR(rgba, w, h)?.data;
  });
}

function edit(root: string, file: string, from: RegExp, to: string): void {
  const p = path.join(root, file);
  const text = fs.readFileSync(p, 'utf8');
  expect(text).toMatch(from);
  fs.writeFileSync(p, text.replace(from, to));
}

describe('djyc verify', () => {
  let root: string;
  const codes: Record<string, string> = {};

  beforeAll(() => {
    root = path.join(tempDir('djyc-verify-'), 'repo');
    fs.cpSync(path.join(ROOT, 'examples', 'huishan-2020'), root, { recursive: true });
    git(root, ['init', '-q', '-b', 'main']);
    git(root, ['add', '-A']);
    git(root, ['commit', '-qm', 'records']);
    for (const [id, out] of [[KAIBAN, 'kaiban.pdf'], [JIAOTONG, 'jiaotong.pdf'], [KAIBAN, 'kaiban.docx']] as const) {
      // The format follows the file's extension (.docx: Word) when --format is not given.
      const r = djyc(['render', id, '--form', 'apply', '-o', out, '--json'], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
      const o = JSON.parse(r.stdout).outputs[0];
      expect(o.draft).toBe(false);
      codes[out] = o.code;
    }
  });

  it('says a form matches while its records are as they were', () => {
    for (const f of ['kaiban.pdf', 'kaiban.docx']) {
      const r = djyc(['verify', f], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('✓ 一致');
      expect(r.stdout).toContain(KAIBAN);
    }
    // The footer shows the code, the metadata carries the commit.
    expect(pdfText(path.join(root, 'kaiban.pdf'))).toContain(`验证码 ${codes['kaiban.pdf']}`);
  });

  it('prints on every page a QR code that reads back as the payload in the metadata, one form or a batch', async () => {
    const batch = djyc(['render', '--all', '--form', 'apply', '-o', 'batch', '--json'], { cwd: root });
    expect(batch.code, batch.stderr).toBe(0);
    const outs: Array<{ out: string; pages: number }> = JSON.parse(batch.stdout).outputs;
    expect(outs.length).toBeGreaterThan(1);
    for (const pdf of [path.join(root, 'kaiban.pdf'), ...outs.map((o) => o.out)]) {
      const payload = readInfoEntry(await PDFDocument.load(fs.readFileSync(pdf)), VERIFY_KEY);
      expect(payload, pdf).toMatch(/^DJYC1;/);
      const codes = pageQrCodes(pdf);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes, pdf).toEqual(codes.map(() => payload));
    }
  });

  it('names the changed field once the record is edited and committed; the untouched form still matches', async () => {
    edit(root, `records/projects/${KAIBAN}.yaml`, /^reason: .*$/m, 'reason: 依据已调整：落实企业开办“一网通办”。');
    git(root, ['commit', '-qam', 'edit the reason']);
    for (const f of ['kaiban.pdf', 'kaiban.docx']) {
      const r = djyc(['verify', f], { cwd: root });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✗ 记录已变更');
      expect(r.stdout).toMatch(/project p-2020-hs-kaiban\n\s+~ reason: .+ → 依据已调整：落实企业开办“一网通办”。/);
    }
    const json = djyc(['verify', 'kaiban.pdf', '--json', '--lang', 'en'], { cwd: root });
    const out = JSON.parse(json.stdout);
    expect(out.ok).toBe(false);
    expect(out.forms[0].status).toBe('changed');
    expect(out.forms[0].changes).toEqual([{ kind: 'project', id: KAIBAN, op: 'changed', fields: [expect.objectContaining({ path: 'reason', op: 'changed', after: '依据已调整：落实企业开办“一网通办”。' })] }]);

    const same = djyc(['verify', 'jiaotong.pdf'], { cwd: root });
    expect(same.code, same.stdout).toBe(0);
    expect(same.stdout).toContain('✓ 一致');
    // The QR code's text (what a phone reads off the paper) and the typed code say the same.
    const payload = readInfoEntry(await PDFDocument.load(fs.readFileSync(path.join(root, 'jiaotong.pdf'))), VERIFY_KEY)!;
    expect(parsePayloads(payload)[0]).toMatchObject({ form: 'apply', ids: [JIAOTONG], commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(djyc(['verify', payload], { cwd: root }).code).toBe(0);
    const typed = djyc(['verify', codes['jiaotong.pdf']!.toLowerCase()], { cwd: root });
    expect(typed.code, typed.stdout).toBe(0);
    // The changed record's old code is no longer found.
    const gone = djyc(['verify', codes['kaiban.pdf']!], { cwd: root });
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain('✗ 未知记录');
  });

  it('marks a form made from uncommitted changes as a draft, and --final refuses to make one', () => {
    edit(root, `records/projects/${JIAOTONG}.yaml`, /^title: .*$/m, 'title: 未提交的标题');
    const draft = djyc(['render', JIAOTONG, '--form', 'apply', '-o', 'draft.pdf'], { cwd: root });
    expect(draft.code, draft.stderr).toBe(0);
    expect(draft.stderr).toContain('草稿');
    const text = pdfText(path.join(root, 'draft.pdf'));
    expect(text).toContain('草稿');
    expect(text).toContain('未提交的标题');
    const docx = djyc(['render', JIAOTONG, '--form', 'apply', '--format', 'docx', '-o', 'draft.docx'], { cwd: root });
    expect(docx.code).toBe(0);
    expect(partText(docxParts(fs.readFileSync(path.join(root, 'draft.docx')))['word/header1.xml'] ?? '')).toContain('草稿');
    const final = djyc(['render', JIAOTONG, '--form', 'apply', '-o', 'final.pdf', '--final'], { cwd: root });
    expect(final.code).toBe(1);
    expect(final.stderr).toContain('--final');
    expect(fs.existsSync(path.join(root, 'final.pdf'))).toBe(false);
    // A draft names no commit: verify says whether the content is still the same, without a field list if not.
    expect(djyc(['verify', 'draft.pdf'], { cwd: root }).stdout).toContain('草稿');
    git(root, ['checkout', '--', '.']);
  });

  it('puts every form of a Word pack in its own section with its own stamp, and verifies them all', () => {
    const r = djyc(['pack', '--org', 'org-hs-gw', '--stage', 'closure', '--format', 'docx', '-o', 'pack.docx'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const parts = docxParts(fs.readFileSync(path.join(root, 'pack.docx')));
    const sections = (parts['word/document.xml']!.match(/<w:sectPr/g) ?? []).length;
    const payloads = parsePayloads(decodeXml(/<vt:lpwstr>([^<]*)<\/vt:lpwstr>/.exec(parts['docProps/custom.xml']!)![1]!));
    expect(sections).toBeGreaterThan(1);
    expect(payloads.length).toBe(sections);
    // One verdict per form, all made from the records as they are.
    const v = djyc(['verify', 'pack.docx'], { cwd: root });
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout.split('\n').filter((l) => l.startsWith('✓ 一致')).length).toBe(sections);
    // Then one of its projects is edited: that form, and only that one, has changed.
    edit(root, `records/projects/${KAIBAN}.yaml`, /^title: .*$/m, 'title: 改名后的项目');
    git(root, ['commit', '-qam', 'rename the project']);
    const after = djyc(['verify', 'pack.docx'], { cwd: root });
    expect(after.code).toBe(1);
    const changed = after.stdout.split('\n').filter((l) => l.startsWith('✗'));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.every((l) => l.includes('记录已变更'))).toBe(true);
    expect(after.stdout).toMatch(/~ title: .+ → 改名后的项目/);
  });

  it('says a form from another repository is unknown here', () => {
    edit(root, 'djyc.yaml', /^name: .*$/m, 'name: "另一个记录库"');
    git(root, ['commit', '-qam', 'rename']);
    const r = djyc(['verify', 'jiaotong.pdf'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ 未知记录');
    expect(r.stdout).toContain('表单来自另一个记录库');
    const bad = djyc(['verify', 'nonexistent.pdf'], { cwd: root });
    expect(bad.code).toBe(2);
    fs.writeFileSync(path.join(root, 'plain.pdf'), '%PDF-1.4 not really');
    expect(djyc(['verify', 'plain.pdf'], { cwd: root }).code).toBe(2);
  });
});
