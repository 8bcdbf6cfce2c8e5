import { formatProblemMessage, type Problem } from '../../domain/problem.js';
import type { Lang } from '../../domain/i18n.js';
import { redactPhones } from '../../domain/privacy.js';

/** A problem's message for output: the catalogue text, with any mobile number that slipped into a value masked. */
export function problemText(p: Problem, lang: Lang): string {
  return redactPhones(formatProblemMessage(p, lang));
}
