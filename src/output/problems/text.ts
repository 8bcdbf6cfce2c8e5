import { formatProblemMessage, type Problem } from '../../domain/problem.js';
import { tr, type Lang } from '../../domain/i18n.js';
import { redactPhones } from '../../domain/privacy.js';

/** A problem's message for output: the catalogue text, with any mobile number that slipped into a value masked. */
export function problemText(p: Problem, lang: Lang): string {
  return redactPhones(formatProblemMessage(p, lang));
}

/** 错误 / 警告 / 更正 (a notice is an amendment made with --correct). */
export function severityLabel(sev: Problem['severity'], lang: Lang): string {
  return sev === 'error' ? tr(lang, '错误', 'error') : sev === 'notice' ? tr(lang, '更正', 'notice') : tr(lang, '警告', 'warning');
}
