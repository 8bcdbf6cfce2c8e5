// Small records repositories for the form tests: one per preset other than shuangling (which uses the demo
// builder), written in-process through the core (initRepository + writeRecords), one commit each.
import fs from 'node:fs';
import path from 'node:path';
import { initRepository } from '../src/commands/init.js';
import { writeRecords, type RecordChange } from '../src/store/records.js';
import { tempDir } from './helpers.js';

type Rec = Record<string, unknown> & { id: string };
const c = (kind: RecordChange['kind'], data: Rec): RecordChange => ({ kind, id: data.id, data });

export async function makeRepo(preset: string, year: number, changes: RecordChange[], today: string): Promise<string> {
  const dir = path.join(tempDir('djyc-forms-'), 'repo');
  const r = await initRepository({ dir, preset, year, programmeId: `${preset}-${year}` });
  if (changes.length) await writeRecords(r.root, changes, `fixture: ${preset}`, { today });
  return r.root;
}

const hist = (stage: string, date: string) => [{ stage, date, by: 'fixture' }];

/** 001 党建+: a branch project with its team, its plan and a closure (summary report). */
export function dangjianRecords(): RecordChange[] {
  const P = 'dangjian-plus-2017';
  return [
    c('organisation', { id: 'org-dj-dangwei', name: '中共XX公司委员会', short_name: '公司党委', type: '党委' }),
    c('organisation', { id: 'org-dj-yizhi', name: '中共XX公司机关第一支部委员会', short_name: '机关第一党支部', type: '党支部', parent: 'org-dj-dangwei', secretary: 'm-dj-liu' }),
    c('member', { id: 'm-dj-liu', name: '刘建明', organisation: 'org-dj-yizhi', admin_title: '综合部主任', party_title: '支部书记', phone: '13800138101' }),
    c('member', { id: 'm-dj-sun', name: '孙晓燕', organisation: 'org-dj-yizhi', admin_title: '综合部副主任', party_title: '组织委员', phone: '13800138102' }),
    c('member', { id: 'm-dj-he', name: '何志强', organisation: 'org-dj-yizhi', admin_title: '安全员', party_title: '党员', phone: '13800138103' }),
    c('project', {
      id: 'p-dj-anquan',
      programme: P,
      title: '党建+安全生产“党员身边无事故”',
      categories: ['党员教育管理服务'],
      proposed_by: 'org-dj-yizhi',
      lead: 'org-dj-yizhi',
      leader: 'm-dj-liu',
      team: [
        { member: 'm-dj-sun', role: '副组长' },
        { member: 'm-dj-he', role: '成员' },
      ],
      goals: '全年实现党员责任区零事故，隐患整改率100%。',
      content: '划分党员安全责任区，开展党员安全示范岗创建。',
      measures: '一是设立党员安全责任区；二是每月开展隐患排查；三是建立安全积分制度。',
      schedule: [
        { from: '2017-05-01', to: '2017-06-30', work: '划分责任区，制定积分办法' },
        { from: '2017-07-01', to: '2017-11-30', work: '常态化开展隐患排查与示范岗创建' },
      ],
      branch_opinion: '同意申报。',
      start: '2017-05-01',
      due: '2017-11-30',
      stage: 'closing',
      history: [
        { stage: 'applied', date: '2017-04-20', by: 'fixture' },
        { stage: 'approved', date: '2017-05-05', by: 'fixture' },
        { stage: 'implementing', date: '2017-05-06', by: 'fixture' },
        { stage: 'closing', date: '2017-11-28', by: 'fixture' },
      ],
      number: 'DJ2017-001',
    }),
    c('closure', {
      id: 'cl-dj-anquan',
      programme: P,
      subject: 'p-dj-anquan',
      summary_report: '项目实施以来，支部划分党员安全责任区12个，开展隐患排查96次。',
      results: '全年党员责任区实现零事故，隐患整改率100%。',
      self_assessment: '项目目标全部实现，自评为优秀。',
      submitted_on: '2017-11-28',
    }),
    c('report', { id: 'r-dj-q3', programme: P, subject: 'p-dj-anquan', quarter: '2017Q3', progress: '第三季度开展隐患排查30次，整改隐患41处。', responsible: 'm-dj-sun', submitted_on: '2017-10-08' }),
  ];
}

/** 002 组团式: a lead unit with a co-organiser (entry point, work plan), and a project still open to all. */
export function zutuanRecords(): RecordChange[] {
  const P = 'zutuan-2017';
  return [
    c('organisation', { id: 'org-zt-gongwei', name: '中共金华市直属机关工作委员会', short_name: '市直机关工委', type: '机关工委' }),
    c('organisation', { id: 'org-zt-zhifa', name: '市行政执法局直属机关党委', type: '党委', parent: 'org-zt-gongwei' }),
    c('organisation', { id: 'org-zt-zhijian', name: '市质监局直属机关党委', type: '党委', parent: 'org-zt-gongwei' }),
    c('member', { id: 'm-zt-wu', name: '吴国平', organisation: 'org-zt-zhifa', admin_title: '局党委副书记', phone: '13800138201' }),
    c('member', { id: 'm-zt-zheng', name: '郑丽', organisation: 'org-zt-zhifa', admin_title: '机关党委专职副书记', phone: '13800138202' }),
    c('member', { id: 'm-zt-feng', name: '冯伟', organisation: 'org-zt-zhijian', admin_title: '机关党委委员', phone: '13800138203' }),
    c('project', {
      id: 'p-zt-xuefen',
      programme: P,
      number: '1',
      title: '制订党员干部学分制管理制度',
      categories: ['制度机制'],
      lead: 'org-zt-zhifa',
      direct_responsible: 'm-zt-wu',
      liaison: 'm-zt-zheng',
      content: '参照党员领导干部、公务员网络学习学分制管理办法，研究制定机关党员干部日常学习学分制管理办法。',
      measures: '5月底前完成调研，8月底前形成制度初稿，10月底前试行。',
      co_organisers: [{ organisation: 'org-zt-zhijian', entry_point: '负责学分认定标准的调研。', work_plan: '6月完成质监系统调研，7月提交学分认定标准建议。', responsible: 'm-zt-feng', plan_submitted_on: '2017-05-14' }],
      stage: 'applied',
      history: hist('applied', '2017-05-08'),
    }),
    c('project', {
      id: 'p-zt-shuangchong',
      programme: P,
      number: '2',
      title: '建立领导干部双重组织生活报告制度',
      categories: ['制度机制'],
      lead: 'org-zt-zhijian',
      content: '规范党员领导干部参加双重组织生活情况制度。',
      stage: 'listed',
      history: hist('listed', '2017-04-20'),
    }),
  ];
}

/** 003 书记项目: a secretary's project reporting to an external upper organisation. */
export function shujiRecords(): RecordChange[] {
  const P = 'shuji-2017';
  return [
    c('organisation', { id: 'org-sj-shengwei', name: '中共江苏省委教育工作委员会', short_name: '省委教育工委', type: '党工委', external: true }),
    c('organisation', { id: 'org-sj-dangwei', name: '中共无锡职业技术学院委员会', short_name: '学院党委', type: '党委', secretary: 'm-sj-qian' }),
    c('member', { id: 'm-sj-qian', name: '钱永红', organisation: 'org-sj-dangwei', admin_title: '党委书记', party_title: '党委书记', phone: '13800138301' }),
    c('project', {
      id: 'p-sj-biaozhun',
      programme: P,
      title: '基层党支部标准化建设“书记项目”',
      categories: ['组织建设', '标准化建设'],
      lead: 'org-sj-dangwei',
      leader: 'm-sj-qian',
      upper: 'org-sj-shengwei',
      feasibility: '学院已有党支部工作手册，具备标准化建设基础。',
      content: '制定党支部建设标准，开展标准化达标创建。',
      goals: '年内80%以上党支部达到标准化建设要求。',
      measures: '书记带头调研，分批验收，纳入述职评议。',
      schedule: [{ from: '2017-03-01', to: '2017-06-30', work: '制定标准' }, { from: '2017-07-01', to: '2017-12-20', work: '达标创建与验收' }],
      start: '2017-03-01',
      due: '2017-12-20',
      stage: 'applied',
      history: hist('applied', '2017-03-15'),
    }),
  ];
}

/** 004 品牌三年规划: a brand with its concept, philosophy, carrier and logo. */
export function brandPlanRecords(logo: string): RecordChange[] {
  const P = 'brand-plan-2020';
  return [
    c('organisation', { id: 'org-bp-caizheng', name: '中共根河市财政局支部委员会', short_name: '市财政局党支部', type: '党支部', contact: 'm-bp-ma' }),
    c('member', { id: 'm-bp-ma', name: '马丽娜', organisation: 'org-bp-caizheng', admin_title: '办公室主任', phone: '13800138401' }),
    c('brand', {
      id: 'b-bp-caizheng',
      programme: P,
      organisation: 'org-bp-caizheng',
      name: '阳光财政·先锋同行',
      logo,
      concept: '以阳光理财、先锋服务为核心。',
      philosophy: '理财为民，服务至上。',
      carrier: '“党员先锋岗”和“阳光财政服务窗口”。',
      contact: 'm-bp-ma',
      stage: 'applied',
      history: [
        { stage: 'chosen', date: '2020-05-10', by: 'fixture' },
        { stage: 'applied', date: '2020-09-01', by: 'fixture' },
      ],
    }),
  ];
}

/** A tiny valid PNG (1×1, red), for the logo of the brand-plan fixture. */
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082',
  'hex',
);

export function writeFile(root: string, rel: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
}
