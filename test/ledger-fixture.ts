/**
 * A small 双领一创 2020 repository for the deadlines, ledger, log and base-check tests: made with `djyc init`, then
 * records written as plain YAML files and committed with git (as a person editing by hand would).
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { git, initRepo } from './helpers.js';

export const DIRS: Record<string, string> = {
  organisation: 'organisations', member: 'members', project: 'projects', task: 'tasks', commitment: 'commitments',
  report: 'reports', closure: 'closures', evaluation: 'evaluations', brand: 'brands', programme: 'programmes', selection: 'selections', expert: 'experts',
};

export function recordFile(kind: string, id: string): string {
  return `records/${DIRS[kind]}/${id}.yaml`;
}

/** Writes records (kind, data) as YAML files; returns their paths. */
export function writeRecordFiles(root: string, records: [string, Record<string, unknown>][]): string[] {
  return records.map(([kind, data]) => {
    const rel = recordFile(kind, String(data.id));
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), `# yaml-language-server: $schema=../../schemas/${kind}.schema.json\n${stringify(data, { lineWidth: 0 })}`);
    return rel;
  });
}

export function commitAll(root: string, message: string, author = 'Test User <test@example.org>'): void {
  git(root, ['add', '-A']);
  git(root, ['-c', 'user.name=djyc-test', '-c', 'user.email=djyc-test@example.org', 'commit', '-q', '--author', author, '-m', message]);
}

export const PROGRAMME = 'shuangling-2020';
export const PHONE = '13800138000';

export function baseRecords(): [string, Record<string, unknown>][] {
  const P = PROGRAMME;
  return [
    ['organisation', { id: 'org-gw', name: '中共无锡市惠山区区级机关工作委员会', short_name: '区级机关工委', type: '机关工委' }],
    ['organisation', { id: 'org-jy', name: '中共无锡市惠山区教育局机关支部委员会', short_name: '教育局支部', type: '党支部', parent: 'org-gw', secretary: 'm-zhang' }],
    ['organisation', { id: 'org-wj', name: '中共无锡市惠山区卫健委机关支部委员会', short_name: '卫健委支部', type: '党支部', parent: 'org-gw' }],
    ['member', { id: 'm-zhang', name: '张明', organisation: 'org-jy', party_title: '支部书记', admin_title: '科长', phone: PHONE }],
    ['member', { id: 'm-li', name: '李华', organisation: 'org-jy', party_title: '党员', phone: '13912345678' }],
    ['member', { id: 'm-wang', name: '王芳', organisation: 'org-jy', party_title: '党员', exemptions: [{ programme: P, reason: '长期病假' }] }],
    ['member', { id: 'm-zhao', name: '赵强', organisation: 'org-wj', party_title: '支部书记' }],
    ['member', { id: 'm-qian', name: '钱伟', organisation: 'org-wj', party_title: '党员' }],
    ['project', {
      id: 'p-a', programme: P, number: '2020-001', title: '教育惠民服务项目', categories: ['呼应群众普遍期待'], source: '自行申报',
      proposed_by: 'org-jy', lead: 'org-jy', leader: 'm-zhang', start: '2020-05-11', due: '2020-11-15', stage: 'implementing',
      history: [
        { stage: 'proposed', date: '2020-03-10', by: '张明' },
        { stage: 'approved', from: 'proposed', date: '2020-04-10', by: '机关工委' },
        { stage: 'claimed', from: 'approved', date: '2020-04-20', by: '张明' },
        { stage: 'published', from: 'claimed', date: '2020-05-05', by: '张明' },
        { stage: 'implementing', from: 'published', date: '2020-05-11', by: '张明' },
      ],
    }],
    ['project', {
      id: 'p-b', programme: P, title: '健康社区行动', categories: ['服务高质量发展任务'], source: '上级提议', proposed_by: 'org-wj', stage: 'proposed',
      history: [{ stage: 'proposed', date: '2020-03-15', by: '赵强' }],
    }],
    ['task', { id: 't-a1', programme: P, project: 'p-a', members: ['m-zhang'], content: '组织送教下乡 10 次', due: '2020-10-31', stage: 'implementing', history: [{ stage: 'claimed', date: '2020-04-25' }, { stage: 'implementing', from: 'claimed', date: '2020-05-11' }] }],
    ['task', { id: 't-a2', programme: P, project: 'p-a', members: ['m-li'], content: '建立家校联系台账', stage: 'claimed', history: [{ stage: 'claimed', date: '2020-04-26' }] }],
    ['commitment', { id: 'c-li', programme: P, type: 'member', organisation: 'org-jy', member: 'm-li', items: [{ task: 't-a2' }], complete_by: '2020-09-30', signed_on: '2020-04-26' }],
    ['report', { id: 'r-a-q2', programme: P, subject: 'p-a', quarter: '2020Q2', progress: '完成送教 3 次', submitted_on: '2020-07-08', responsible: 'm-zhang' }],
    ['report', { id: 'r-a-q3', programme: P, subject: 'p-a', quarter: '2020Q3', progress: '完成送教 7 次', submitted_on: '2020-10-15', responsible: 'm-zhang' }],
    ['report', { id: 'r-t1-q2', programme: P, subject: 't-a1', quarter: '2020Q2', progress: '送教 3 次', submitted_on: '2020-07-20' }],
    ['evaluation', { id: 'ev-t1', programme: P, subject: 't-a1', branch_rating: '好', committee_rating: '较好', poll: { participants: 20, votes: { 好: 15, 较好: 4, 一般: 1, 较差: 0 } }, rated_on: '2020-12-20' }],
    ['brand', { id: 'b-jy', programme: P, organisation: 'org-jy', name: '教育先锋', contact: 'm-zhang', stage: 'naming', history: [{ stage: 'naming', date: '2020-05-10' }] }],
  ];
}

/** The full fixture: init + every base record, in one commit. */
export function buildFixture(): string {
  const root = initRepo('shuangling', 2020);
  writeRecordFiles(root, baseRecords());
  commitAll(root, 'Add fixture records');
  return root;
}
