import { countBySeverity, type Problem } from '../../domain/problem.js';
import { tr, type Lang } from '../../domain/i18n.js';
import { problemText } from './text.js';

/** XML text: the five entities escaped, characters XML 1.0 cannot hold dropped. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit XML (as CI systems read it): one test suite per file with problems, one failing test case per problem
 * (`type` says error or warning); no problems at all → one passing test case, so the report is never empty.
 */
export function junit(all: Problem[], opts: { lang: Lang }): string {
  // An amendment (notice) is no failure: JUnit has nothing between passing and failing, so it is left out.
  const problems = all.filter((p) => p.severity !== 'notice');
  const { errors, warnings } = countBySeverity(problems);
  const byFile = new Map<string, Problem[]>();
  for (const p of problems) {
    let list = byFile.get(p.file);
    if (!list) byFile.set(p.file, (list = []));
    list.push(p);
  }
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = Math.max(1, problems.length);
  out.push(`<testsuites name="djyc validate" tests="${total}" failures="${errors + warnings}" errors="0">`);
  if (!problems.length) {
    const name = tr(opts.lang, '记录校验通过', 'records are valid');
    out.push(`  <testsuite name="djyc validate" tests="1" failures="0" errors="0" skipped="0">`);
    out.push(`    <testcase classname="djyc" name="${xmlEscape(name)}"/>`);
    out.push('  </testsuite>');
  }
  for (const [file, list] of byFile) {
    out.push(`  <testsuite name="${xmlEscape(file)}" tests="${list.length}" failures="${list.length}" errors="0" skipped="0">`);
    for (const p of list) {
      const text = problemText(p, opts.lang);
      const where = `${p.file}:${p.line}:${p.col}`;
      out.push(`    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(`${where} ${p.rule}`)}">`);
      out.push(`      <failure type="${p.severity}" message="${xmlEscape(text)}">${xmlEscape(`${where}: ${p.severity}: ${text} [${p.rule}]`)}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
