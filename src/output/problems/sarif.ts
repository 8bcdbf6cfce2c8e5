import { countBySeverity, type Problem } from '../../domain/problem.js';
import { message, tr, type Lang } from '../../domain/i18n.js';
import { problemText } from './text.js';

/** A repository-relative path as a SARIF artifact URI (forward slashes, each segment percent-encoded). */
function uri(file: string): string {
  return file.split('/').map((s) => encodeURIComponent(s)).join('/');
}

/** The rule's catalogue text with its placeholders shown as "…", for the rule's short description. */
function ruleText(rule: string, lang: Lang): string {
  return message(lang, rule, {}).replace(/\{\w+\}/g, '…');
}

/**
 * SARIF 2.1.0 (GitHub code scanning, GitLab, VS Code SARIF viewer): one run of the tool `djyc`, its rules being
 * the problem rules that occur (id = rule id), each result with a physical location (artifact URI relative to the
 * repository root, region startLine/startColumn).
 */
export function sarif(problems: Problem[], opts: { lang: Lang; toolVersion?: string }): string {
  const ruleIds = [...new Set(problems.map((p) => p.rule))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  // SARIF levels: error, warning, note (an amendment is a note).
  const level = (s: Problem['severity']) => (s === 'notice' ? 'note' : s);
  const rank = { note: 0, warning: 1, error: 2 } as const;
  const worst = new Map<string, 'error' | 'warning' | 'note'>();
  for (const p of problems) if (rank[level(p.severity)] > rank[worst.get(p.rule) ?? 'note'] || !worst.has(p.rule)) worst.set(p.rule, level(p.severity));
  const { errors, warnings, notices } = countBySeverity(problems);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'djyc',
            ...(opts.toolVersion ? { version: opts.toolVersion, semanticVersion: opts.toolVersion } : {}),
            informationUri: 'https://www.npmjs.com/package/djyc',
            rules: ruleIds.map((id) => ({
              id,
              name: id,
              shortDescription: { text: ruleText(id, opts.lang) },
              defaultConfiguration: { level: worst.get(id) ?? 'error' },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: tr(opts.lang, '记录库根目录', 'the records repository') } } },
        results: problems.map((p) => ({
          ruleId: p.rule,
          ruleIndex: index.get(p.rule),
          level: level(p.severity),
          message: { text: problemText(p, opts.lang) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(p.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: Math.max(1, p.line), startColumn: Math.max(1, p.col) },
              },
            },
          ],
        })),
        properties: { errors, warnings, notices },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
