import { countBySeverity, type Problem } from '../../domain/problem.js';
import { tr, type Lang } from '../../domain/i18n.js';
import { problemText, severityLabel } from './text.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';

/**
 * Pure formatters: problems in, text out (tested on fixtures; the CLI decides where the text goes). Messages pass
 * through `problemText`, which masks any mobile number that found its way into a value.
 */
export type FormatName = 'stylish' | 'json' | 'github' | 'junit' | 'sarif';
export const FORMATS: FormatName[] = ['stylish', 'json', 'github', 'junit', 'sarif'];

export interface FormatOptions {
  lang: Lang;
  /** Colouring functions; identity when colour is off. */
  color?: { red(s: string): string; yellow(s: string): string; dim(s: string): string; bold(s: string): string; green(s: string): string };
  /** djyc's version, for reports that name the tool (SARIF). */
  toolVersion?: string;
}

const plain = { red: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s, green: (s: string) => s };


/** `file:line:col  error|warning  message  [rule]`, one line per problem, then a summary. */
export function stylish(problems: Problem[], opts: FormatOptions): string {
  const c = opts.color ?? plain;
  const lines = problems.map((p) => {
    const label = severityLabel(p.severity, opts.lang);
    const sev = p.severity === 'error' ? c.red(label) : p.severity === 'notice' ? c.bold(label) : c.yellow(label);
    return `${p.file}:${p.line}:${p.col}  ${sev}  ${problemText(p, opts.lang)}  ${c.dim(`[${p.rule}]`)}`;
  });
  const { errors, warnings, notices } = countBySeverity(problems);
  const amended = notices ? tr(opts.lang, `（${notices} 处更正，已说明理由）`, ` (${notices} amendment(s), with reasons)`) : '';
  if (!errors && !warnings) lines.push(...(problems.length ? [''] : []), c.green(tr(opts.lang, `✓ 未发现问题${amended}`, `✓ no problems${amended}`)));
  else lines.push('', c.bold(tr(opts.lang, `✖ ${errors} 个错误，${warnings} 个警告${amended}`, `✖ ${errors} error(s), ${warnings} warning(s)${amended}`)));
  return `${lines.join('\n')}\n`;
}

export function json(problems: Problem[], opts: FormatOptions): string {
  const { errors, warnings, notices } = countBySeverity(problems);
  return `${JSON.stringify({
    errors, warnings, notices,
    problems: problems.map((p) => ({ file: p.file, line: p.line, col: p.col, severity: p.severity, rule: p.rule, message: problemText(p, opts.lang) })),
  }, null, 2)}\n`;
}

/** GitHub workflow-command escaping: data needs %, CR, LF escaped; properties also `:` and `,`. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function github(problems: Problem[], opts: FormatOptions): string {
  return problems
    .map((p) => `::${p.severity} file=${escapeProperty(p.file)},line=${p.line},col=${p.col},title=${escapeProperty(`djyc ${p.rule}`)}::${escapeData(problemText(p, opts.lang))}`)
    .join('\n') + (problems.length ? '\n' : '');
}

export function format(name: FormatName, problems: Problem[], opts: FormatOptions): string {
  switch (name) {
    case 'json': return json(problems, opts);
    case 'github': return github(problems, opts);
    case 'junit': return junit(problems, opts);
    case 'sarif': return sarif(problems, opts);
    default: return stylish(problems, opts);
  }
}
