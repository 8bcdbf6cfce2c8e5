/**
 * The lexical side of containment (store/containment.ts holds the disk side): what a path a record or an argument
 * names must look like — relative, forward slashes, no `.`/`..`/empty segments, no control characters, and for a
 * path written in a record, under `attachments/` — and what a file's first bytes say it is (magic numbers), checked
 * against the type its extension promises. Pure: strings and bytes in, verdicts out.
 */
import path from 'node:path';

/** Records are small; anything bigger is a mistake (or an attack) and is refused before parsing (yaml.ts). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** The folder every file a record names must live in. */
export const ATTACHMENTS_DIR = 'attachments';

/** Why a path is refused (these are also the rule ids of the problems validate reports). */
export type PathRule =
  | 'path-absolute'
  | 'path-not-normalised'
  | 'path-outside-attachments'
  | 'path-outside'
  | 'path-symlink'
  | 'path-special'
  | 'path-not-a-file'
  | 'path-missing'
  | 'file-too-large'
  | 'path-type-mismatch';

/** Lexical check of a relative path (repository-relative, forward slashes); undefined when it is well formed. */
export function lexicalProblem(rel: unknown): 'path-absolute' | 'path-not-normalised' | undefined {
  if (typeof rel !== 'string' || rel === '') return 'path-not-normalised';
  // `/x`, `\x`, `C:…`, `file:…`, `https:…`: not a path inside the repository.
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(rel)) return 'path-absolute';
  // eslint-disable-next-line no-control-regex
  if (rel.includes('\\') || /[\u0000-\u001f\u007f]/.test(rel)) return 'path-not-normalised';
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.' || seg === '..' || seg.toLowerCase() === '.git') return 'path-not-normalised';
  }
  return undefined;
}

/** Lexical check of a path written in a record (a logo, an attachment): well formed and under attachments/. */
export function recordPathProblem(rel: unknown): 'path-absolute' | 'path-not-normalised' | 'path-outside-attachments' | undefined {
  const lexical = lexicalProblem(rel);
  if (lexical) return lexical;
  return (rel as string).startsWith(`${ATTACHMENTS_DIR}/`) ? undefined : 'path-outside-attachments';
}

/** Characters no file name keeps: separators, what Windows forbids, controls, and invisible direction marks. */
// eslint-disable-next-line no-control-regex
const NAME_UNSAFE = /[\u0000-\u001f\u007f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
/** Names Windows reserves whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
/** Longest name kept, in UTF-8 bytes (file systems allow 255; room left for a "-2" and a temp suffix). */
const NAME_MAX_BYTES = 180;

/**
 * The name a copied file keeps on disk: its own name (满意度调查.csv stays 满意度调查.csv), Unicode kept and
 * normalised to NFC, with separators, controls, characters Windows forbids and invisible direction marks replaced by
 * "_", no leading or trailing dots or spaces, reserved device names prefixed, and cut to a safe length with its
 * extension kept. Never empty ("file").
 */
export function safeFileName(name: string): string {
  let s = name.normalize('NFC').replace(NAME_UNSAFE, '_').replace(/\s+/g, ' ').replace(/^[.\s]+|[.\s]+$/g, '');
  const dot = s.lastIndexOf('.');
  let base = dot > 0 ? s.slice(0, dot) : s;
  const ext = dot > 0 ? s.slice(dot) : '';
  if (RESERVED.test(base)) base = `_${base}`;
  const bytes = (t: string) => new TextEncoder().encode(t).length;
  const chars = [...base];
  while (chars.length && bytes(chars.join('')) + bytes(ext) > NAME_MAX_BYTES) chars.pop();
  base = chars.join('').replace(/[.\s]+$/, '');
  s = `${base || 'file'}${bytes(ext) < NAME_MAX_BYTES ? ext : ''}`;
  return s.toLowerCase() === '.git' ? 'file.git' : s;
}

/** The n-th name for a file when its own is taken: 照片.jpg → 照片-2.jpg, 照片-3.jpg … */
export function numberedFileName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
}

/** Whether `child` (an absolute path) is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

// ---------------------------------------------------------------------------------------------------------------
// Magic bytes.

/** What a file's first bytes say it is. `zip` covers docx/xlsx/pptx; `ole` the old Office formats. */
export type FileType = 'png' | 'jpeg' | 'gif' | 'webp' | 'pdf' | 'svg' | 'zip' | 'ole';

/** Extensions whose content we can recognise, and the type each must have. Other extensions are not checked. */
export const EXTENSION_TYPES: Readonly<Record<string, FileType>> = {
  png: 'png', jpg: 'jpeg', jpeg: 'jpeg', gif: 'gif', webp: 'webp', pdf: 'pdf', svg: 'svg',
  docx: 'zip', xlsx: 'zip', pptx: 'zip', zip: 'zip', doc: 'ole', xls: 'ole', ppt: 'ole',
};

/** Image types a logo may have. */
export const IMAGE_TYPES: ReadonlySet<FileType> = new Set(['png', 'jpeg', 'gif', 'webp', 'svg']);

/** Bytes enough to recognise any type above without reading whole files (an SVG's prolog may be long). */
export const SNIFF_BYTES = 64 * 1024;

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

/** An SVG is XML text whose root element is <svg>: prolog (declaration, comments, doctype, PIs) skipped. */
function isSvg(bytes: Uint8Array): boolean {
  let text: string;
  try {
    // `stream`: a head cut in the middle of a character is still a prefix of valid text.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, SNIFF_BYTES), { stream: true });
  } catch {
    return false;
  }
  if (text.includes('\u0000')) return false;
  let s = text.replace(/^\uFEFF/, '');
  for (;;) {
    s = s.trimStart();
    const m = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>)/i.exec(s);
    if (!m) break;
    s = s.slice(m[0].length);
  }
  return /^<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/.test(s);
}

/** The type a file's bytes show (magic numbers; SVG by its root element), or undefined. */
export function sniffType(bytes: Uint8Array): FileType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (isSvg(bytes)) return 'svg';
  return undefined;
}

/** The type a file name's extension promises, when it is one we can check. */
export function expectedType(name: string): FileType | undefined {
  const ext = path.extname(name).slice(1).toLowerCase();
  return Object.prototype.hasOwnProperty.call(EXTENSION_TYPES, ext) ? EXTENSION_TYPES[ext] : undefined;
}

/** Undefined when the content matches the extension (or the extension is not one we check); else what differs. */
export function typeMismatch(name: string, bytes: Uint8Array): { expected: FileType; found?: FileType } | undefined {
  const expected = expectedType(name);
  if (!expected) return undefined;
  const found = sniffType(bytes);
  return found === expected ? undefined : { expected, found };
}

