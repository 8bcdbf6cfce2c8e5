// The footer's QR code (output/forms/verification.ts qrSymbol) is the qrcode package's own, module for module: its
// faster mask choice picks the mask the package picks. Payloads as forms carry them, of every length a form makes.
import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { createRequire } from 'node:module';
import { maskPenalty, payloadText, qrSymbol } from '../src/output/forms/verification.js';

// The package's own scoring functions (ISO/IEC 18004 §7.8.3), on its BitMatrix.
const { getPenaltyN1, getPenaltyN2, getPenaltyN3, getPenaltyN4 } = createRequire(import.meta.url)('qrcode/lib/core/mask-pattern.js');
const BitMatrix = createRequire(import.meta.url)('qrcode/lib/core/bit-matrix.js');

describe('QR code of a stamp', () => {
  it('is the qrcode package’s symbol, with its choice of mask', () => {
    const masks = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const ids = Array.from({ length: 1 + (i % 3) }, (_, k) => `t-2020-${(i * 7919 + k * 104729).toString(36)}`);
      const text = payloadText({
        repo: `仓库${'甲乙丙'.slice(0, i % 4)}-${i}`,
        form: ['apply', 'task-closure', 'member-commitment'][i % 3]!,
        ids,
        sha256: Buffer.from(String(i * 2654435761)).toString('base64url').padEnd(43, 'A').slice(0, 43),
        ...(i % 2 ? { commit: (i * 40503).toString(16).padStart(40, '0') } : {}),
      });
      const ours = qrSymbol(text);
      const theirs = QRCode.create([{ mode: 'byte', data: Buffer.from(text, 'utf8') }], { errorCorrectionLevel: 'L' });
      expect(ours.mask, text).toBe(theirs.maskPattern);
      expect(ours.size).toBe(theirs.modules.size);
      expect(Buffer.from(ours.modules).equals(Buffer.from(theirs.modules.data)), text).toBe(true);
      masks.add(ours.mask);
    }
    // Payloads of every kind pick different masks: the comparison covers the choice, not only mask 0.
    expect(masks.size).toBeGreaterThan(4);
  });

  it('scores a mask as the package does, on symbols of one to six 32-bit words a line, sparse, dense and random', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const size of [21, 31, 32, 33, 45, 57, 63, 64, 65, 97, 177]) {
      for (const dark of [0.5, 0.1, 0.9, 0.35]) {
        const matrix = new BitMatrix(size);
        const modules = Uint8Array.from({ length: size * size }, () => (random() < dark ? 1 : 0));
        modules.forEach((x, i) => matrix.set(Math.floor(i / size), i % size, x, false));
        const theirs = getPenaltyN1(matrix) + getPenaltyN2(matrix) + getPenaltyN3(matrix) + getPenaltyN4(matrix);
        expect(maskPenalty(modules, size), `${size} ${dark}`).toBe(theirs);
      }
    }
  });
});
