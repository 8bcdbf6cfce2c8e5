/**
 * Verifiable paper: what a printed form carries so that it can be checked against the repository later.
 *
 * The payload names the repository, the form, the record (and the member or unit of a split form), a SHA-256
 * digest of the canonical content of every record the form shows, and the commit it was rendered from when those
 * records had no uncommitted change. It goes into the QR code in the footer, the PDF's metadata and the .docx's
 * custom properties; a short code derived from it is printed beside the QR code for typing in.
 *
 * Pure: hashing is done by the caller (commands/verification.ts) and passed in as hex.
 */
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import type { RecordEntry, RecordIndex } from '../../domain/records.js';
import { esc } from './html.js';

export interface Payload {
  /** The repository's name (djyc.yaml `name`, else its folder name). */
  repo: string;
  /** Form id within the record's programme. */
  form: string;
  /** The record, then the member or unit of a split form. */
  ids: string[];
  /** SHA-256 of canonicalContent(), base64url. */
  sha256: string;
  /** Commit the content was rendered from; absent when the records had uncommitted changes (a draft). */
  commit?: string;
}

/** What a renderer needs to put on the page. */
export interface Stamp {
  payload: Payload;
  /** payloadText(payload): the QR code's text and the metadata entry. */
  text: string;
  /** The short code printed in the footer, e.g. 7KQ2M-XD4PA. */
  code: string;
  /** Rendered from uncommitted changes: the page says so (草稿). */
  draft: boolean;
}

const MAGIC = 'DJYC1';

/** Name of the PDF information entry and .docx custom property holding the payloads (one per line). */
export const VERIFY_KEY = 'DjycVerify';

/** Only ; = % are escaped in values (the repository name may hold any text). */
const encodeValue = (s: string) => s.replace(/[%;=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const decodeValue = (s: string) => s.replace(/%(25|3B|3D)/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** One line: DJYC1;repo=…;form=…;ids=a,b;sha256=…;commit=… */
export function payloadText(p: Payload): string {
  const fields: Array<[string, string]> = [
    ['repo', p.repo],
    ['form', p.form],
    ['ids', p.ids.join(',')],
    ['sha256', p.sha256],
  ];
  if (p.commit) fields.push(['commit', p.commit]);
  return [MAGIC, ...fields.map(([k, v]) => `${k}=${encodeValue(v)}`)].join(';');
}

/** The payload in a text (a metadata entry, a scanned QR code); undefined when it is not one. */
export function parsePayload(text: string): Payload | undefined {
  const t = text.trim();
  if (!t.startsWith(`${MAGIC};`)) return undefined;
  const map = new Map<string, string>();
  for (const part of t.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    map.set(part.slice(0, eq), decodeValue(part.slice(eq + 1)));
  }
  const repo = map.get('repo');
  const form = map.get('form');
  const ids = map.get('ids')?.split(',').filter(Boolean);
  const sha256 = map.get('sha256');
  if (repo === undefined || !form || !ids?.length || !sha256 || !/^[A-Za-z0-9_-]{43}$/.test(sha256)) return undefined;
  const commit = map.get('commit');
  if (commit !== undefined && !/^[0-9a-f]{7,64}$/.test(commit)) return undefined;
  return { repo, form, ids, sha256, ...(commit ? { commit } : {}) };
}

/** Every payload found in a text (a pack's metadata holds one per form, a line each). */
export function parsePayloads(text: string): Payload[] {
  return text
    .split(/\r?\n/)
    .map(parsePayload)
    .filter((p): p is Payload => !!p);
}

// ---- the records a form shows, as canonical JSON -------------------------------------------------------------

/**
 * The records a form's view shows: every `id` in the view that names a record (the subject, its organisation,
 * members, tasks, closures, evaluations, the programme), plus the target's own ids. Sorted, once each.
 */
export function recordsOfView(index: RecordIndex, view: unknown, own: string[]): RecordEntry[] {
  const ids = new Set<string>(own.filter(Boolean));
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) return v.forEach(walk);
    for (const [k, x] of Object.entries(v)) {
      if (k === 'id' && typeof x === 'string') ids.add(x);
      else walk(x);
    }
  };
  walk(view);
  return [...ids]
    .map((id) => index.any(id))
    .filter((r): r is RecordEntry => !!r)
    .sort((a, b) => (a.kind === b.kind ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.kind < b.kind ? -1 : 1));
}

/** JSON with object keys sorted at every level and no spaces: the same data gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** The text whose digest a form carries: [[kind, id, data], …] of the records it shows. */
export function canonicalContent(records: RecordEntry[]): string {
  return canonicalJson(records.map((r) => [r.kind, r.id, r.data]));
}

// ---- the short code ------------------------------------------------------------------------------------------

/** Crockford's base32: no I, L, O, U, so that a typed code is not misread. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 50 bits of a hex digest as ten base32 characters, grouped 5-5. */
export function shortCode(hex: string): string {
  let bits = '';
  for (const h of hex.slice(0, 13)) bits += parseInt(h, 16).toString(2).padStart(4, '0');
  let out = '';
  for (let i = 0; i < 50; i += 5) out += BASE32[parseInt(bits.slice(i, i + 5), 2)]!;
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** A typed code, normalised (case, O→0, I/L→1, separators); undefined when it cannot be one. */
export function normaliseCode(text: string): string | undefined {
  const s = text
    .toUpperCase()
    .replace(/[\s_-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(s)) return undefined;
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

// ---- QR code -------------------------------------------------------------------------------------------------

function qrMatrix(text: string): { size: number; dark: (r: number, c: number) => boolean } {
  const { size, modules } = qrSymbol(text);
  return { size, dark: (r, c) => modules[r * size + c] === 1 };
}

/**
 * The QR code the qrcode package makes with its own choice of mask (the lowest penalty of ISO/IEC 18004 §7.8.3), made
 * faster: the package tries the eight masks through method calls per module, nine tenths of a form's stamp. Here the
 * symbol is made once with mask 0, the eight candidates are scored on bit sets with the package's rules (MaskPenalty:
 * same scores, same first lowest) and the winner is kept. test/qr.test.ts checks the modules equal the package's own.
 * `modules`: row by row, 1 for dark.
 */
export function qrSymbol(text: string): { size: number; mask: number; modules: Uint8Array } {
  const first = QRCode.create([{ mode: 'byte', data: Buffer.from(text, 'utf8') }], { errorCorrectionLevel: 'L', maskPattern: 0 });
  return bestMask(first.modules, first.errorCorrectionLevel.bit);
}

const MASKS: Array<(i: number, j: number) => boolean> = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

const flipCache = new Map<number, Uint8Array[]>();

/** Per mask, 1 where it flips a module: its pattern outside the function patterns (the same for every symbol of a size). */
function maskFlips(size: number, reserved: Uint8Array): Uint8Array[] {
  const cached = flipCache.get(size);
  if (cached && Buffer.from(cached[8]!.buffer, cached[8]!.byteOffset, cached[8]!.byteLength).equals(Buffer.from(reserved.buffer, reserved.byteOffset, reserved.byteLength))) return cached;
  const flips = MASKS.map((mask) => {
    const f = new Uint8Array(size * size);
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) f[r * size + c] = !reserved[r * size + c] && mask(r, c) ? 1 : 0;
    return f;
  });
  flips.push(Uint8Array.from(reserved, (x) => (x ? 1 : 0)));
  flipCache.set(size, flips);
  return flips;
}

/** Format information: 5 bits (level, mask) with their BCH(15,5) code, XOR 0x5412 (as the package's format-info.js). */
function formatBits(levelBit: number, mask: number): number {
  const digits = (n: number) => (n === 0 ? 0 : 32 - Math.clz32(n));
  const G15 = 0x537;
  const data = (levelBit << 3) | mask;
  let d = data << 10;
  while (digits(d) - digits(G15) >= 0) d ^= G15 << (digits(d) - digits(G15));
  return ((data << 10) | d) ^ 0x5412;
}

/** The symbol with the mask the package's getBestMask picks, from the symbol made with mask 0. */
function bestMask(modules: QRCode.BitMatrix, levelBit: number): { size: number; mask: number; modules: Uint8Array } {
  const size = modules.size;
  const flips = maskFlips(size, modules.reservedBit);
  // The data modules without a mask: undo mask 0.
  const base = Uint8Array.from(modules.data);
  const n = size * size;
  for (let i = 0; i < n; i++) base[i]! ^= flips[0]![i]!;
  let m = new Uint8Array(n);
  let kept = new Uint8Array(n);
  let best = 0;
  let lowest = Infinity;
  for (let p = 0; p < 8; p++) {
    const flip = flips[p]!;
    for (let i = 0; i < n; i++) m[i] = base[i]! ^ flip[i]!;
    // The format information of mask p, where the package's setupFormatInfo puts it.
    const bits = formatBits(levelBit, p);
    for (let i = 0; i < 15; i++) {
      const bit = (bits >> i) & 1;
      m[(i < 6 ? i : i < 8 ? i + 1 : size - 15 + i) * size + 8] = bit;
      m[8 * size + (i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1)] = bit;
    }
    m[(size - 8) * size + 8] = 1;
    const penalty = maskPenalty(m, size);
    if (penalty < lowest) {
      lowest = penalty;
      best = p;
      [kept, m] = [m, kept];
    }
  }
  return { size, mask: best, modules: kept };
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * The mask penalty of ISO/IEC 18004 §7.8.3 as the qrcode package scores it (N1 + N2 + N3 + N4, the same numbers), on
 * bit sets: every row and every column as 32-bit words, so that runs, 2×2 blocks and finder-like patterns are counted
 * 32 modules at a time. Scratch space is kept per symbol size.
 */
class MaskPenalty {
  private readonly words: number;
  private readonly rows: Int32Array;
  private readonly cols: Int32Array;
  private readonly shifted: Int32Array;

  constructor(private readonly size: number) {
    this.words = (size + 31) >> 5;
    this.rows = new Int32Array(size * this.words);
    this.cols = new Int32Array(size * this.words);
    this.shifted = new Int32Array(11);
  }

  score(m: Uint8Array): number {
    const { size, words, rows, cols } = this;
    rows.fill(0);
    cols.fill(0);
    let dark = 0;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const x = m[r * size + c]!;
        dark += x;
        rows[r * words + (c >> 5)]! |= x << (c & 31);
        cols[c * words + (r >> 5)]! |= x << (r & 31);
      }
    }
    // N2: 2×2 blocks of one colour, 3 each.
    let blocks = 0;
    for (let r = 0; r + 1 < size; r++) {
      for (let w = 0; w < words; w++) {
        const a = this.shift(rows, r * words, 0, w);
        const a1 = this.shift(rows, r * words, 1, w);
        const b = this.shift(rows, (r + 1) * words, 0, w);
        const b1 = this.shift(rows, (r + 1) * words, 1, w);
        blocks += popcount(~(a ^ b) & ~(a ^ a1) & ~(b ^ b1) & this.starts(2, w));
      }
    }
    // N4: the dark share away from half, in steps of 5 %, 10 each.
    const balance = Math.abs(Math.ceil((dark * 100) / (size * size) / 5) - 10) * 10;
    return this.lines(rows) + this.lines(cols) + blocks * 3 + balance;
  }

  /** Modules c + k of the line whose words start at `at`, at bit c of word w (0 past the line's end). */
  private shift(bits: Int32Array, at: number, k: number, w: number): number {
    const q = w + (k >> 5);
    const r = k & 31;
    const lo = q < this.words ? bits[at + q]! : 0;
    if (r === 0) return lo;
    const hi = q + 1 < this.words ? bits[at + q + 1]! : 0;
    return (lo >>> r) | (hi << (32 - r));
  }

  /** Of word w's positions, those where a window of `len` modules lies within the line. */
  private starts(len: number, w: number): number {
    const last = this.size - len - 32 * w;
    return last < 0 ? 0 : last >= 31 ? -1 : -1 >>> (31 - last);
  }

  /**
   * N1 (runs of five or more of one colour: 3 + (run − 5) each, i.e. the run's windows of five plus 2) and N3
   * (1:1:3:1:1 finder-like patterns with four light modules on one side, 40 each) of every line of `bits`.
   */
  private lines(bits: Int32Array): number {
    const { size, words } = this;
    const x = this.shifted;
    let windows = 0;
    let runs = 0;
    let finders = 0;
    for (let l = 0; l < size; l++) {
      let carry = 0;
      for (let w = 0; w < words; w++) {
        for (let k = 0; k <= 10; k++) x[k] = this.shift(bits, l * words, k, w);
        const x0 = x[0]!, x1 = x[1]!, x2 = x[2]!, x3 = x[3]!, x4 = x[4]!, x5 = x[5]!, x6 = x[6]!, x7 = x[7]!, x8 = x[8]!, x9 = x[9]!, x10 = x[10]!;
        const five = ~(x0 ^ x1) & ~(x1 ^ x2) & ~(x2 ^ x3) & ~(x3 ^ x4) & this.starts(5, w);
        windows += popcount(five);
        runs += popcount(five & ~((five << 1) | carry));
        carry = five >>> 31;
        const finder = (x0 & ~x1 & x2 & x3 & x4 & ~x5 & x6 & ~x7 & ~x8 & ~x9 & ~x10) | (~x0 & ~x1 & ~x2 & ~x3 & x4 & ~x5 & x6 & x7 & x8 & ~x9 & x10);
        finders += popcount(finder & this.starts(11, w));
      }
    }
    return windows + 2 * runs + 40 * finders;
  }
}

const penalties = new Map<number, MaskPenalty>();

/** The mask penalty of a symbol of `size` (modules row by row, 1 for dark), as the qrcode package scores it. */
export function maskPenalty(modules: Uint8Array, size: number): number {
  let scorer = penalties.get(size);
  if (!scorer) penalties.set(size, (scorer = new MaskPenalty(size)));
  return scorer.score(modules);
}

/**
 * The QR code as PDF drawing operators on the overlay sheet, in CSS pixels from its top-left corner (y downward, as
 * the sheet's HTML is laid out): a white square with a 2-module quiet zone, then every run of dark modules of a row
 * as one rectangle, all filled as one path (no seams between rows). Drawn by the PDF engine itself: printed by
 * Chromium as an SVG, the code took about a fifth of a batch's time, in Chromium and in stamping its output.
 */
export function qrOperators(text: string, box: { left: number; top: number; size: number }): string {
  const { size, dark } = qrMatrix(text);
  const unit = Number((box.size / (size + 4)).toFixed(6));
  // A white square, then a scale to one unit per module (whole numbers only, from the quiet zone's corner).
  let ops = `q 1 g ${box.left} ${box.top} ${box.size} ${box.size} re f ${unit} 0 0 ${unit} ${box.left} ${box.top} cm 0 g\n`;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (!dark(r, c)) continue;
      let w = 1;
      while (c + w < size && dark(r, c + w)) w++;
      ops += `${c + 2} ${r + 2} ${w} 1 re\n`;
      c += w - 1;
    }
  }
  return ops + 'f Q\n';
}

/**
 * The QR code as a PNG for the .docx footer: black and white at one bit a pixel, 4 pixels a module, a 2-module quiet
 * zone. Written here rather than by the qrcode package's PNG renderer, which takes ten times as long.
 */
export function qrPng(text: string): Buffer {
  const { size, dark } = qrMatrix(text);
  const scale = 4;
  const n = (size + 4) * scale;
  const stride = Math.ceil(n / 8) + 1;
  const raw = Buffer.alloc(stride * n); // filter byte 0, then the row; a set bit is white
  for (let y = 0; y < n; y++) {
    const r = Math.floor(y / scale) - 2;
    for (let x = 0; x < n; x++) {
      const c = Math.floor(x / scale) - 2;
      const black = r >= 0 && c >= 0 && r < size && c < size && dark(r, c);
      if (!black) raw[y * stride + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(n, 0);
  ihdr.writeUInt32BE(n, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

let crcTable: Int32Array | undefined;
function crc32(buf: Buffer): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let k = 0; k < 256; k++) {
      let c = k;
      for (let j = 0; j < 8; j++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[k] = c;
    }
  }
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// ---- on the page ------------------------------------------------------------------------------------------

/** The footer words: 验证码 and how to check. */
export const VERIFY_LABEL = '验证码';
export const VERIFY_HINT = '用 djyc verify 核对记录';
export const DRAFT_MARK = '草稿';
export const DRAFT_NOTE = '草稿：由未提交的修改生成';

/** Geometry of the footer, in mm from the page's top-left corner (GB/T 9704 A4: text block ends at 262 mm). */
export const FOOTER = { qrSize: 18, qrRight: 26, qrBottom: 5, textGap: 3 } as const;

/** CSS pixels per millimetre. */
const PX = 96 / 25.4;

/**
 * A one-page A4 overlay the PDF engine stamps on every page of a form: the QR code at the foot of the page,
 * right-aligned with the text block and below where page numbers go (drawn by the engine: `vector`), the code
 * beside it, and across the page the 草稿 mark when the form was rendered from uncommitted changes.
 */
export function overlayHtml(stamp: Stamp): { css: string; body: string; vector: string } {
  const f = FOOTER;
  const css =
    `.djyc-code{position:absolute;right:${f.qrRight + f.qrSize + f.textGap}mm;bottom:${f.qrBottom + 1}mm;text-align:right;font:400 9pt/1.5 "DJYC Song","DJYC Kai";color:#000;white-space:nowrap}` +
    `.djyc-draft{position:absolute;left:0;right:0;top:120mm;text-align:center;font:900 96pt/1 "DJYC Song","DJYC Kai";color:#000;opacity:.12;transform:rotate(-30deg);white-space:nowrap}` +
    `.djyc-draft-note{position:absolute;left:28mm;top:24mm;font:400 10.5pt/1 "DJYC Song","DJYC Kai";color:#000}`;
  let body = `<div class="djyc-code">${esc(VERIFY_LABEL)} ${esc(stamp.code)}<br>${esc(VERIFY_HINT)}</div>`;
  if (stamp.draft) body += `<div class="djyc-draft">${esc(DRAFT_MARK)}</div><div class="djyc-draft-note">${esc(DRAFT_NOTE)}</div>`;
  // Where Chromium put the code when it printed it: on whole CSS pixels of the A4 sheet.
  const size = Math.round(f.qrSize * PX);
  const vector = qrOperators(stamp.text, { left: Math.round((210 - f.qrRight - f.qrSize) * PX), top: Math.round((297 - f.qrBottom) * PX) - size, size });
  return { css, body, vector };
}
