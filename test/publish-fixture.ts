/**
 * A records repository for the publish/status tests, built the way a user's would be: `djyc init`, then record
 * files, then one commit. It covers every state the site shows: projects at many stages (one rejected, one not
 * public), tasks, reports on time / late / missing, a closure, acceptance, four-level ratings, brands with a logo,
 * a year-end selection, an exempt member and members without a task — and phone numbers, in member records and
 * pasted into free text, that must never reach the site unmasked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serializeRecord } from '../src/store/records.js';
import { recordPath, type Kind } from '../src/domain/kinds.js';
import { git, initRepo } from './helpers.js';

export const FIXTURE_TODAY = '2020-11-20';

type Rec = { kind: Kind; data: Record<string, unknown> & { id: string } };

function write(root: string, recs: Rec[]): void {
  for (const r of recs) {
    const file = path.join(root, recordPath(r.kind, r.data.id));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, serializeRecord(r.kind, r.data));
  }
}

function commit(root: string, message: string): void {
  git(root, ['add', '--', 'records', 'attachments']);
  git(root, ['-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', message]);
}

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="50" cy="50" r="46" fill="#b71c1c"/><text x="50" y="62" font-size="34" text-anchor="middle" fill="#ffe082">红烛</text></svg>\n`;

/** The shuangling (双领一创) repository used by the tests. */
export function shuanglingRepo(): string {
  const root = initRepo('shuangling', 2020);
  const P = 'shuangling-2020';
  const h = (...steps: [string, string][]) => steps.map(([stage, date], i) => ({ stage, date, by: '机关工委', ...(i ? { from: steps[i - 1]![0] } : {}) }));
  const recs: Rec[] = [
    { kind: 'organisation', data: { id: 'org-gw', name: '中共无锡市惠山区区级机关工作委员会', short_name: '区级机关工委', type: '机关工委' } },
    { kind: 'organisation', data: { id: 'org-jyj', name: '中共无锡市惠山区教育局机关支部委员会', short_name: '区教育局机关支部', type: '党支部', parent: 'org-gw', secretary: 'm-wang' } },
    { kind: 'organisation', data: { id: 'org-wjw', name: '中共无锡市惠山区卫生健康委员会机关支部委员会', short_name: '区卫健委机关支部', type: '党支部', parent: 'org-gw', secretary: 'm-zhao' } },
    { kind: 'organisation', data: { id: 'org-czj', name: '中共无锡市惠山区财政局机关支部委员会', short_name: '区财政局机关支部', type: '党支部', parent: 'org-gw', secretary: 'm-sun' } },
    { kind: 'organisation', data: { id: 'org-swzzb', name: '中共无锡市委组织部', type: '党委', external: true } },
    // members (phones are personal data: they must never appear on the site)
    { kind: 'member', data: { id: 'm-wang', name: '王建国', organisation: 'org-jyj', admin_title: '局长', party_title: '支部书记', phone: '13800138000' } },
    { kind: 'member', data: { id: 'm-li', name: '李晓梅', organisation: 'org-jyj', admin_title: '科员', party_title: '党员', phone: '13912345678' } },
    { kind: 'member', data: { id: 'm-chen', name: '陈志强', organisation: 'org-jyj', admin_title: '副科长', party_title: '组织委员', phone: '15000001111' } },
    { kind: 'member', data: { id: 'm-zhou', name: '周文', organisation: 'org-jyj', party_title: '党员', exemptions: [{ programme: P, reason: '长期病休' }] } },
    { kind: 'member', data: { id: 'm-zhao', name: '赵丽', organisation: 'org-wjw', admin_title: '主任', party_title: '支部书记', phone: '18612340000' } },
    { kind: 'member', data: { id: 'm-qian', name: '钱进', organisation: 'org-wjw', party_title: '党员', phone: '17712345678' } },
    { kind: 'member', data: { id: 'm-wu', name: '吴桐', organisation: 'org-wjw', party_title: '党员', exemptions: [{ programme: P, reason: '援鄂医疗队轮换' }] } },
    { kind: 'member', data: { id: 'm-sun', name: '孙浩', organisation: 'org-czj', admin_title: '局长', party_title: '支部书记', phone: '13300000000' } },
    { kind: 'member', data: { id: 'm-xu', name: '徐静', organisation: 'org-czj', party_title: '宣传委员' } },
    { kind: 'member', data: { id: 'm-he', name: '何平', organisation: 'org-czj', party_title: '党员' } },
    // projects
    {
      kind: 'project',
      data: {
        id: 'p-hongzhu', programme: P, number: '2020-001', title: '“红烛先锋”送教下乡行动', categories: ['呼应群众普遍期待'], source: '自行申报',
        proposed_by: 'org-jyj', lead: 'org-jyj', leader: 'm-wang', contact: 'm-li', start: '2020-05-01', due: '2020-11-30',
        content: '组织党员教师每月到农村学校送教一次，结对帮扶薄弱学科。报名咨询：李老师 13912345678。',
        goals: '全年送教不少于 10 次，覆盖全区 8 所农村学校。',
        stage: 'implementing', approval: { date: '2020-04-10', by: 'org-gw' },
        history: h(['proposed', '2020-03-10'], ['approved', '2020-04-10'], ['claimed', '2020-04-20'], ['published', '2020-05-05'], ['implementing', '2020-05-11']),
      },
    },
    {
      kind: 'project',
      data: {
        id: 'p-yizhan', programme: P, number: '2020-002', title: '健康驿站进社区', categories: ['呼应群众普遍期待', '服务高质量发展任务'], source: '上级提议',
        proposed_by: 'org-wjw', lead: 'org-wjw', leader: 'm-zhao', start: '2020-05-01', due: '2020-11-15',
        content: '在 12 个社区设立党员健康驿站，定期义诊。', stage: 'closing', approval: { date: '2020-04-10' },
        history: h(['proposed', '2020-03-12'], ['approved', '2020-04-10'], ['claimed', '2020-04-22'], ['published', '2020-05-06'], ['implementing', '2020-05-11'], ['closing', '2020-11-05']),
      },
    },
    {
      kind: 'project',
      data: {
        id: 'p-jixiao', programme: P, number: '2020-003', title: '预算绩效党员先锋岗', categories: ['服务高质量发展任务'], source: '自行申报',
        proposed_by: 'org-czj', lead: 'org-czj', leader: 'm-sun', start: '2020-05-01', due: '2020-10-31',
        content: '设立预算绩效评价党员先锋岗，公开承诺、亮岗履职。', stage: 'accepted', approval: { date: '2020-04-11' },
        history: h(['proposed', '2020-03-15'], ['approved', '2020-04-11'], ['claimed', '2020-04-21'], ['published', '2020-05-05'], ['implementing', '2020-05-10'], ['closing', '2020-10-30'], ['accepted', '2020-11-18']),
      },
    },
    {
      kind: 'project',
      data: {
        id: 'p-wangge', programme: P, title: '校园安全网格化管理', categories: ['服务“四个区”打造'], source: '社会征集', proposed_by: 'org-jyj',
        stage: 'proposed', history: h(['proposed', '2020-03-20']),
      },
    },
    {
      kind: 'project',
      data: {
        id: 'p-tuihui', programme: P, title: '机关食堂节约行动', categories: ['突出典型示范'], source: '自行申报', proposed_by: 'org-wjw',
        stage: 'rejected', history: h(['proposed', '2020-03-18'], ['rejected', '2020-04-12']),
      },
    },
    {
      kind: 'project',
      data: {
        id: 'p-neibu', programme: P, number: '2020-004', title: '内部审计整改专项', categories: ['服务高质量发展任务'], lead: 'org-czj', leader: 'm-xu', proposed_by: 'org-czj',
        content: '不公开的内部项目', stage: 'implementing', public: false,
        history: h(['proposed', '2020-03-16'], ['approved', '2020-04-11'], ['claimed', '2020-04-25'], ['published', '2020-05-07'], ['implementing', '2020-05-12']),
      },
    },
    // tasks (each member's task and finish date)
    { kind: 'task', data: { id: 't-wang', programme: P, project: 'p-hongzhu', members: ['m-wang'], content: '统筹送教计划，联系 8 所农村学校', due: '2020-11-30', stage: 'implementing', history: h(['claimed', '2020-04-28'], ['implementing', '2020-05-11']) } },
    { kind: 'task', data: { id: 't-li', programme: P, project: 'p-hongzhu', members: ['m-li', 'm-chen'], content: '承担语文、数学学科送教', due: '2020-11-30', stage: 'implementing', history: h(['claimed', '2020-04-28'], ['implementing', '2020-05-11']) } },
    { kind: 'task', data: { id: 't-zhao', programme: P, project: 'p-yizhan', members: ['m-zhao'], content: '组织社区义诊 12 场', due: '2020-10-31', stage: 'closing', history: h(['claimed', '2020-04-27'], ['implementing', '2020-05-11'], ['closing', '2020-11-02']) } },
    { kind: 'task', data: { id: 't-qian', programme: P, project: 'p-yizhan', members: ['m-qian'], content: '健康知识宣讲进楼道（电话预约 17712345678）', due: '2020-12-15', stage: 'implementing', history: h(['claimed', '2020-04-27'], ['implementing', '2020-05-11']) } },
    { kind: 'task', data: { id: 't-sun', programme: P, project: 'p-jixiao', members: ['m-sun'], content: '牵头制定先锋岗考评办法', due: '2020-09-30', stage: 'rated', history: h(['claimed', '2020-04-26'], ['implementing', '2020-05-10'], ['closing', '2020-10-20'], ['rated', '2020-11-18']) } },
    { kind: 'task', data: { id: 't-xu', programme: P, project: 'p-jixiao', members: ['m-xu'], content: '先锋岗亮岗宣传', due: '2020-09-30', stage: 'rated', history: h(['claimed', '2020-04-26'], ['implementing', '2020-05-10'], ['closing', '2020-10-20'], ['rated', '2020-11-18']) } },
    { kind: 'task', data: { id: 't-he', programme: P, project: 'p-neibu', members: ['m-he'], content: '内部审计问题清单整改', due: '2020-12-31', stage: 'implementing', history: h(['claimed', '2020-04-28'], ['implementing', '2020-05-12']) } },
    // commitments
    { kind: 'commitment', data: { id: 'c-jyj', programme: P, type: 'organisation', organisation: 'org-jyj', items: [{ project: 'p-hongzhu' }], signed_on: '2020-04-20' } },
    // quarterly reports: on time, late, missing
    { kind: 'report', data: { id: 'r-hongzhu-q2', programme: P, subject: 'p-hongzhu', quarter: '2020Q2', progress: '完成送教 2 次。', submitted_on: '2020-07-06' } },
    { kind: 'report', data: { id: 'r-hongzhu-q3', programme: P, subject: 'p-hongzhu', quarter: '2020Q3', progress: '完成送教 3 次。', submitted_on: '2020-10-20' } },
    { kind: 'report', data: { id: 'r-yizhan-q2', programme: P, subject: 'p-yizhan', quarter: '2020Q2', progress: '设立驿站 6 个。', submitted_on: '2020-07-08' } },
    { kind: 'report', data: { id: 'r-yizhan-q3', programme: P, subject: 'p-yizhan', quarter: '2020Q3', progress: '设立驿站 12 个。', submitted_on: '2020-10-09' } },
    { kind: 'report', data: { id: 'r-jixiao-q2', programme: P, subject: 'p-jixiao', quarter: '2020Q2', progress: '先锋岗设立。', submitted_on: '2020-07-02' } },
    { kind: 'report', data: { id: 'r-jixiao-q3', programme: P, subject: 'p-jixiao', quarter: '2020Q3', progress: '考评办法出台。', submitted_on: '2020-10-08' } },
    { kind: 'report', data: { id: 'r-wang-q2', programme: P, subject: 't-wang', quarter: '2020Q2', progress: '制定计划。', submitted_on: '2020-07-06' } },
    { kind: 'report', data: { id: 'r-wang-q3', programme: P, subject: 't-wang', quarter: '2020Q3', progress: '联系学校。', submitted_on: '2020-10-12' } },
    { kind: 'report', data: { id: 'r-zhao-q2', programme: P, subject: 't-zhao', quarter: '2020Q2', progress: '义诊 4 场。', submitted_on: '2020-07-05' } },
    { kind: 'report', data: { id: 'r-zhao-q3', programme: P, subject: 't-zhao', quarter: '2020Q3', progress: '义诊 8 场。', submitted_on: '2020-10-05' } },
    { kind: 'report', data: { id: 'r-sun-q2', programme: P, subject: 't-sun', quarter: '2020Q2', progress: '起草办法。', submitted_on: '2020-07-03' } },
    { kind: 'report', data: { id: 'r-xu-q2', programme: P, subject: 't-xu', quarter: '2020Q2', progress: '宣传 2 次。' } },
    // closures
    { kind: 'closure', data: { id: 'cl-yizhan', programme: P, subject: 'p-yizhan', results: '12 个社区全部设立健康驿站，服务群众 3000 余人次。', submitted_on: '2020-11-05' } },
    { kind: 'closure', data: { id: 'cl-jixiao', programme: P, subject: 'p-jixiao', results: '先锋岗考评办法在全局推行。', submitted_on: '2020-10-30' } },
    { kind: 'closure', data: { id: 'cl-sun', programme: P, subject: 't-sun', results: '办法已印发。', submitted_on: '2020-10-20' } },
    { kind: 'closure', data: { id: 'cl-xu', programme: P, subject: 't-xu', results: '亮岗宣传 6 次。', submitted_on: '2020-10-20' } },
    // acceptance and ratings
    { kind: 'evaluation', data: { id: 'ev-jixiao', programme: P, subject: 'p-jixiao', acceptance: { date: '2020-11-18', result: 'pass', opinion: '材料齐全，成效明显。', methods: ['查阅资料', '听取汇报'] } } },
    { kind: 'evaluation', data: { id: 'ev-sun', programme: P, subject: 't-sun', branch_rating: '好', committee_rating: '好', poll: { participants: 20, votes: { 好: 15, 较好: 4, 一般: 1, 较差: 0 } }, rated_on: '2020-11-18' } },
    { kind: 'evaluation', data: { id: 'ev-xu', programme: P, subject: 't-xu', branch_rating: '较好', rated_on: '2020-11-18' } },
    // brands
    {
      kind: 'brand',
      data: {
        id: 'b-hongzhu', programme: P, organisation: 'org-jyj', name: '红烛先锋', logo: 'attachments/brands/hongzhu.svg',
        concept: '燃烧自己，照亮他人：以党员教师的先锋作用带动教育均衡。', carrier: '送教下乡、名师工作室', results: '全年送教 12 次，惠及学生 2000 余名。',
        stage: 'cultivating', history: h(['naming', '2020-05-10'], ['cultivating', '2020-06-01']),
      },
    },
    { kind: 'brand', data: { id: 'b-jiankang', programme: P, organisation: 'org-wjw', name: '健康守护', concept: '把健康服务送到群众家门口。', carrier: '社区健康驿站', stage: 'applied', history: h(['naming', '2020-05-12'], ['cultivating', '2020-06-01'], ['applied', '2020-11-10']) } },
    { kind: 'brand', data: { id: 'b-caizheng', programme: P, organisation: 'org-czj', name: '阳光财政·先锋同行', stage: 'naming', history: h(['naming', '2020-05-14']) } },
    // year-end selection
    {
      kind: 'selection',
      data: {
        id: 'sel-top-2020', programme: P, award: 'top-ten-organisations', title: '2020 年度“双领一创”工作十佳基层党组织', decided_on: '2020-11-19',
        entries: [{ subject: 'org-czj', rank: 1, reason: '项目按期验收，党员全员领办任务。' }, { subject: 'org-wjw', rank: 2, reason: '健康驿站覆盖全部社区。' }],
      },
    },
  ];
  fs.mkdirSync(path.join(root, 'attachments/brands'), { recursive: true });
  fs.writeFileSync(path.join(root, 'attachments/brands/hongzhu.svg'), LOGO);
  write(root, recs);
  commit(root, 'test fixture: shuangling 2020 records');
  return root;
}

/** A brand-plan (党建品牌三年规划) repository: brands only, claims not public. */
export function brandPlanRepo(): string {
  const root = initRepo('brand-plan', 2020);
  const P = 'brand-plan-2020';
  const recs: Rec[] = [
    { kind: 'organisation', data: { id: 'org-gh', name: '根河市直属机关工委', type: '机关工委' } },
    { kind: 'organisation', data: { id: 'org-sw', name: '中共根河市税务局支部委员会', short_name: '市税务局支部', type: '党支部', parent: 'org-gh' } },
    { kind: 'organisation', data: { id: 'org-ly', name: '中共根河市林业局支部委员会', short_name: '市林业局支部', type: '党支部', parent: 'org-gh' } },
    { kind: 'member', data: { id: 'm-bai', name: '白玉兰', organisation: 'org-sw', phone: '13600001234' } },
    { kind: 'brand', data: { id: 'b-shuiyun', programme: P, organisation: 'org-sw', name: '税韵先锋', concept: '依法征税、服务为民。', carrier: '办税服务厅党员示范岗', contact: 'm-bai', stage: 'named', recognition: { preselected_on: '2020-12-05', consultation_until: '2020-12-15', named_on: '2020-12-28', document: '根直工委发〔2020〕8号' }, history: [{ stage: 'chosen', date: '2020-03-01' }, { stage: 'applied', from: 'chosen', date: '2020-04-01' }, { stage: 'cultivating', from: 'applied', date: '2020-05-01' }, { stage: 'preselected', from: 'cultivating', date: '2020-12-05' }, { stage: 'consulted', from: 'preselected', date: '2020-12-10' }, { stage: 'named', from: 'consulted', date: '2020-12-28' }] } },
    { kind: 'brand', data: { id: 'b-linhai', programme: P, organisation: 'org-ly', name: '林海红哨', concept: '守护绿水青山。', stage: 'cultivating', history: [{ stage: 'chosen', date: '2020-03-02' }, { stage: 'applied', from: 'chosen', date: '2020-04-02' }, { stage: 'cultivating', from: 'applied', date: '2020-05-02' }] } },
    { kind: 'evaluation', data: { id: 'ev-shuiyun', programme: P, subject: 'b-shuiyun', committee_rating: '好', rated_on: '2020-12-20' } },
    { kind: 'selection', data: { id: 'sel-model-2020', programme: P, award: 'model-brands', decided_on: '2020-12-28', entries: [{ subject: 'b-shuiyun', rank: 1 }] } },
  ];
  write(root, recs);
  commit(root, 'test fixture: brand-plan 2020 records');
  return root;
}
