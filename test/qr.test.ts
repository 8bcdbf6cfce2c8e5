// The footer's QR code (output/forms/verification.ts qrSymbol) is the qrcode package's own, module for module: its
// faster mask choice picks the mask the package picks. Payloads as forms carry them, of every length a form makes.
import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { payloadText, qrSymbol } from '../src/output/forms/verification.js';

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
});
