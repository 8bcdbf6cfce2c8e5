/**
 * Personal data planted in a repository's free text (test/privacy.test.ts and privacy.slow.test.ts): every kind, as
 * people paste it, in a project's goals, a task's content and a commit message — and how to find any of it in an
 * output, in any writing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { git } from './helpers.js';
import { maskPersonalData } from '../src/domain/privacy.js';
import { shuanglingRepo, FIXTURE_TODAY } from './publish-fixture.js';

/** Every kind of personal data, as people paste it into free text. */
export const PLANTED = [
  '+86 139 1111 2222', '0086-13722223333', '136.3333.4444', '１５９４４４４５５５５', '(+86)18855556666',
  '0510-83591234', '（021）6234 5678', '11010519491231002X', '320211198808080017', 'li.xiaomei@wxhs.gov.cn',
];
/** What must not appear anywhere: the digits of each planted item (and the address). */
export const SECRETS = ['13911112222', '13722223333', '13633334444', '15944445555', '18855556666', '83591234', '62345678', '11010519491231002X', '320211198808080017', 'li.xiaomei@wxhs.gov.cn'];

/** The planted items found in a text, whatever its separators or digit widths. */
export function leaks(text: string): string[] {
  const flat = [...text].map((c) => (c >= '\uFF10' && c <= '\uFF19' ? String.fromCharCode(c.charCodeAt(0) - 0xfee0) : c)).join('');
  const squashed = flat.replace(/[\s\-.()（）+]/g, '');
  return SECRETS.filter((s) => squashed.includes(s.replace(/[\s\-.]/g, '')) || flat.includes(s));
}

/** The environment of the commands run on the planted repository. */
export const PLANTED_ENV = { DJYC_TODAY: FIXTURE_TODAY, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

/**
 * The 双领一创 fixture with every planted item in a project's goals, a task's content (both public) and a commit
 * message; with `badCategory`, also in a value that a problem message quotes (an unknown category, uncommitted).
 */
export function plantedRepo(opts: { badCategory?: boolean } = {}): string {
  for (const v of PLANTED) if (maskPersonalData(`x ${v} y`) === `x ${v} y`) throw new Error(`not masked: ${v}`);
  const repo = shuanglingRepo();
  const edit = (rel: string, f: (t: string) => string) => fs.writeFileSync(path.join(repo, rel), f(fs.readFileSync(path.join(repo, rel), 'utf8')));
  const planted = PLANTED.join('；');
  edit('records/projects/p-hongzhu.yaml', (t) => t.replace(/^goals: .*$/m, `goals: "全年送教不少于 10 次。联系：${planted}"`));
  edit('records/tasks/t-li.yaml', (t) => t.replace(/^content: .*$/m, `content: "承担语文、数学学科送教（${planted}）"`));
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', `planted ${PLANTED[0]} ${PLANTED[9]}`]);
  if (opts.badCategory) edit('records/projects/p-wangge.yaml', (t) => t.replace(/^categories:\n(  - .*\n)+/m, `categories:\n  - "${planted}"\n`));
  return repo;
}
