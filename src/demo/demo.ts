/**
 * `djyc demo`: a fresh records repository for seed 000 (双领一创, 惠山区 2020), filled step by step the way a
 * year of the programme goes — organisations and members, project applications, approval, claims and
 * commitments, tasks, the public notice, quarterly reports, a brand with its logo, closures, acceptance and
 * ratings — one git commit per step, every write through writeRecords/commitChanges (validated, atomic).
 *
 * The content is invented but realistic; phone numbers are fictitious (139 0510 …).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initRepository } from '../commands/init.js';
import { loadRepository } from '../store/repo.js';
import { writeRecords, type RecordChange } from '../store/records.js';
import { commitChanges } from '../store/transaction.js';
import { accept } from '../commands/acceptance.js';
import { advance } from '../commands/advance.js';
import { brandSet, newBrand } from '../commands/brands.js';
import { claim } from '../commands/claim.js';
import { close } from '../commands/closure.js';
import { drawPanel } from '../commands/panel.js';
import { rate } from '../commands/rating.js';
import { fileReport } from '../commands/reports.js';
import { addTask } from '../commands/tasks.js';
import { RefusedError } from '../domain/errors.js';
import { TEMPLATES_DIR } from '../assets/paths.js';
import type { ExpertRecord, MemberRecord, OrganisationRecord, ProjectRecord } from '../domain/types.generated.js';

export const DEMO_MARKER = '.djyc-demo';
export const DEMO_PRESET = 'shuangling';
export const DEMO_YEAR = 2020;
export const DEMO_LOGO = path.join(TEMPLATES_DIR, 'demo', 'logo.svg');

export interface DemoStep {
  message: string;
  commit: string;
  records: number;
}

export interface DemoResult {
  root: string;
  programme: string;
  steps: DemoStep[];
  counts: Record<string, number>;
}

type Change = RecordChange;
const P = 'shuangling-2020';
const ISSUER_ORG = 'org-hs-gongwei';

function change<T extends { id: string }>(kind: RecordChange['kind'], data: T): Change {
  return { kind, id: data.id, data };
}

// ---- the cast ------------------------------------------------------------------------------------------------

const ORGS: OrganisationRecord[] = [
  { id: ISSUER_ORG, name: '中共无锡市惠山区区级机关工作委员会', short_name: '区级机关工委', type: '机关工委', unit: '惠山区区级机关', secretary: 'm-hs-zhou-jianguo', contact: 'm-hs-gu-yun', external: true },
  { id: 'org-hs-jiaoyu', name: '中共无锡市惠山区教育局机关支部委员会', short_name: '区教育局机关党支部', type: '党支部', unit: '惠山区教育局', parent: ISSUER_ORG, secretary: 'm-hs-wang-hua', contact: 'm-hs-li-min' },
  { id: 'org-hs-weijian', name: '中共无锡市惠山区卫生健康委员会机关支部委员会', short_name: '区卫健委机关党支部', type: '党支部', unit: '惠山区卫生健康委员会', parent: ISSUER_ORG, secretary: 'm-hs-zhang-li', contact: 'm-hs-chen-jing' },
  { id: 'org-hs-shichang', name: '中共无锡市惠山区市场监督管理局机关总支部委员会', short_name: '区市场监管局机关党总支', type: '党总支', unit: '惠山区市场监督管理局', parent: ISSUER_ORG, secretary: 'm-hs-sun-qiang', contact: 'm-hs-xu-ting' },
];

const m = (id: string, name: string, organisation: string, admin_title: string, party_title: string, phone: string): MemberRecord => ({
  id, name, organisation, admin_title, party_title, phone,
});

const MEMBERS: MemberRecord[] = [
  m('m-hs-zhou-jianguo', '周建国', ISSUER_ORG, '区级机关工委书记', '工委书记', '13905100101'),
  m('m-hs-gu-yun', '顾云', ISSUER_ORG, '组织宣传科科长', '工委委员', '13905100102'),
  m('m-hs-wang-hua', '王华', 'org-hs-jiaoyu', '局党组成员、副局长', '支部书记', '13905100201'),
  m('m-hs-li-min', '李敏', 'org-hs-jiaoyu', '办公室主任', '组织委员', '13905100202'),
  m('m-hs-zhao-lei', '赵磊', 'org-hs-jiaoyu', '基础教育科科长', '宣传委员', '13905100203'),
  m('m-hs-qian-fang', '钱芳', 'org-hs-jiaoyu', '教师发展中心副主任', '党员', '13905100204'),
  m('m-hs-zhang-li', '张丽', 'org-hs-weijian', '委党组成员、副主任', '支部书记', '13905100301'),
  m('m-hs-chen-jing', '陈静', 'org-hs-weijian', '基层卫生科科长', '组织委员', '13905100302'),
  m('m-hs-liu-yang', '刘洋', 'org-hs-weijian', '医政医管科副科长', '党员', '13905100303'),
  m('m-hs-sun-qiang', '孙强', 'org-hs-shichang', '局党组成员、副局长', '总支书记', '13905100401'),
  m('m-hs-xu-ting', '徐婷', 'org-hs-shichang', '食品生产安全监管科科长', '总支委员', '13905100402'),
  m('m-hs-he-jun', '何军', 'org-hs-shichang', '行政审批科科长', '党员', '13905100403'),
];

const EXPERTS: ExpertRecord[] = [
  { id: 'exp-hs-shen-li', name: '沈莉', unit: '惠山区委党校', title: '副教授', categories: ['服务“四个区”打造', '呼应群众普遍期待', '突出典型示范'], phone: '13905100901' },
  { id: 'exp-hs-jiang-bo', name: '蒋波', unit: '惠山区委组织部', title: '组织科科长', categories: ['服务高质量发展任务', '呼应群众普遍期待'], phone: '13905100902' },
  { id: 'exp-hs-qian-hong', name: '钱红', unit: '惠山区融媒体中心', title: '主任记者', categories: ['呼应群众普遍期待', '突出典型示范'], phone: '13905100903' },
  { id: 'exp-hs-lu-ming', name: '陆明', unit: '惠山区发展和改革委员会', title: '四级调研员', categories: ['服务“四个区”打造', '服务高质量发展任务', '呼应群众普遍期待'], phone: '13905100904' },
];

interface DemoProject {
  id: string;
  number: string;
  org: string;
  leader: string;
  contact: string;
  title: string;
  categories: string[];
  source: string;
  reason: string;
  goals: string;
  content: string;
  measures: string;
  due: string;
  tasks: Array<{ id: string; members: string[]; content: string; due: string }>;
  reports: Array<{ quarter: string; on: string; progress: string; problems: string; next: string }>;
  results: string;
  self: string;
  committee: string;
  acceptance: string;
}

const PROJECTS: DemoProject[] = [
  {
    id: 'p-2020-hs-kehou',
    number: '2020-001',
    org: 'org-hs-jiaoyu',
    leader: 'm-hs-wang-hua',
    contact: 'm-hs-li-min',
    title: '“双减”背景下课后服务党员先锋岗建设',
    categories: ['服务高质量发展任务', '呼应群众普遍期待'],
    source: '自行申报',
    reason:
      '课后服务是家长普遍关心的民生实事。全区义务教育学校参加课后服务的学生约4.2万人，家长对服务时段、内容质量和收费透明的呼声强烈，部分学校存在师资不足、内容单一等问题。\n' +
      '依据《关于在机关基层党组织和党员中开展“组织领项目、党员领任务、党建创品牌”工作的实施方案》和区委关于办好民生实事的部署，局机关党支部申报本项目，由机关党员联系学校、下沉督导，推动课后服务提质扩面。',
    goals: '在全区20所中小学设立课后服务党员先锋岗，课后服务覆盖率达到100%，家长满意率达到95%以上。',
    content: '组织机关党员按片区联系学校，参与课后服务方案制定、过程督导和质量评估；建立家长意见直通车；编印课后服务精品课程目录。',
    measures: '一是建立“一校一名机关党员联络员”制度；二是每月开展一次课后服务开放日；三是每季度开展一次家长满意度测评并通报结果。',
    due: '2020-11-15',
    tasks: [
      { id: 't-2020-hs-kehou-1', members: ['m-hs-wang-hua'], content: '牵头制定全区课后服务党员先锋岗建设方案，统筹推进项目实施', due: '2020-06-30' },
      { id: 't-2020-hs-kehou-2', members: ['m-hs-li-min', 'm-hs-qian-fang'], content: '联系堰桥、长安片区10所学校，开展课后服务过程督导', due: '2020-10-31' },
      { id: 't-2020-hs-kehou-3', members: ['m-hs-zhao-lei'], content: '编印《惠山区课后服务精品课程目录》，组织开展家长满意度测评', due: '2020-11-10' },
    ],
    reports: [
      { quarter: '2020Q2', on: '2020-07-06', progress: '制定并印发课后服务党员先锋岗建设方案，确定20所试点学校，落实20名机关党员联络员，召开项目推进会1次。', problems: '部分学校课后服务师资不足，社会资源引入渠道不多。', next: '对接区少年宫、科技馆等场馆资源，开展课后服务资源进校园活动。' },
      { quarter: '2020Q3', on: '2020-10-09', progress: '开展课后服务开放日3次，收集家长意见建议126条，已办结118条；引入社会场馆课程32门。', problems: '农村学校课程供给仍偏少。', next: '推动城乡学校课程共享，开展第二次家长满意度测评。' },
    ],
    results:
      '全区20所中小学全部设立课后服务党员先锋岗，课后服务覆盖率达到100%；引入社会场馆课程32门，编印精品课程目录1册；第二次家长满意度测评满意率达到96.3%。项目做法被《无锡日报》专题报道。',
    self: '项目目标全部完成，机关党员联系学校常态化，形成了可复制的工作机制。',
    committee: '同意结项。项目紧扣群众关切，成效明显，建议总结经验在全区推广。',
    acceptance: '经查阅资料、听取汇报和“四不两直”现场印证，项目目标任务全部完成，验收通过。',
  },
  {
    id: 'p-2020-hs-yizhan',
    number: '2020-002',
    org: 'org-hs-weijian',
    leader: 'm-hs-zhang-li',
    contact: 'm-hs-chen-jing',
    title: '家庭医生签约服务“党员健康驿站”',
    categories: ['呼应群众普遍期待'],
    source: '上级提议',
    reason: '老年人、慢性病患者对家庭医生签约服务需求大，基层医疗机构服务能力和群众知晓率有待提高。根据区委关于健康惠山建设的部署提议设立本项目。',
    goals: '在全区7个街道（镇）各建成1个党员健康驿站，重点人群家庭医生签约率提高到75%。',
    content: '依托社区卫生服务中心建设党员健康驿站，组织机关党员和医务人员党员开展健康宣讲、义诊和随访服务。',
    measures: '建立党员医生“一对一”联系重点人群制度；每月开展健康讲座；建立签约服务台账。',
    due: '2020-11-15',
    tasks: [
      { id: 't-2020-hs-yizhan-1', members: ['m-hs-zhang-li'], content: '统筹推进党员健康驿站建设，协调各街道（镇）落实场地和人员', due: '2020-07-31' },
      { id: 't-2020-hs-yizhan-2', members: ['m-hs-chen-jing'], content: '组织党员医生开展重点人群“一对一”联系服务', due: '2020-10-31' },
      { id: 't-2020-hs-yizhan-3', members: ['m-hs-liu-yang'], content: '建立家庭医生签约服务台账，每季度通报签约和履约情况', due: '2020-11-10' },
    ],
    reports: [
      { quarter: '2020Q2', on: '2020-07-08', progress: '完成7个党员健康驿站选址，4个驿站挂牌运行，开展健康讲座12场。', problems: '部分驿站医务人员配备不足。', next: '推动剩余3个驿站挂牌运行，组织党员医生轮岗服务。' },
      { quarter: '2020Q3', on: '2020-10-10', progress: '7个驿站全部挂牌运行，重点人群签约率提高到71.5%，开展义诊34场、随访2300余人次。', problems: '签约后履约服务质量不均衡。', next: '开展履约服务质量专项检查。' },
    ],
    results: '7个党员健康驿站全部建成运行，重点人群家庭医生签约率达到76.2%，开展义诊52场、随访3800余人次，群众满意度明显提高。',
    self: '项目按期完成，目标全部实现。',
    committee: '同意结项。',
    acceptance: '项目资料齐全，现场印证情况属实，验收通过。',
  },
  {
    id: 'p-2020-hs-shipin',
    number: '2020-003',
    org: 'org-hs-shichang',
    leader: 'm-hs-sun-qiang',
    contact: 'm-hs-xu-ting',
    title: '“阳光厨房”食品安全党员监督岗',
    categories: ['服务“四个区”打造', '呼应群众普遍期待'],
    source: '社会征集',
    reason: '通过区人大代表建议和新媒体平台征集，群众对学校食堂、养老机构食堂的食品安全关注度高，要求“看得见、管得住”。',
    goals: '全区学校、养老机构食堂“明厨亮灶”覆盖率达到100%，设立党员监督岗50个。',
    content: '推行“明厨亮灶”和党员监督岗，组织机关党员定期开展食品安全检查和群众开放日。',
    measures: '一是分片包干，每名党员联系5家食堂；二是每季度开展一次交叉检查；三是通过“惠山市场监管”公众号公开检查结果。',
    due: '2020-11-15',
    tasks: [
      { id: 't-2020-hs-shipin-1', members: ['m-hs-sun-qiang'], content: '牵头制定“阳光厨房”党员监督岗工作方案并组织实施', due: '2020-06-30' },
      { id: 't-2020-hs-shipin-2', members: ['m-hs-xu-ting', 'm-hs-he-jun'], content: '联系学校和养老机构食堂，推进“明厨亮灶”改造并开展季度检查', due: '2020-11-10' },
    ],
    reports: [
      { quarter: '2020Q2', on: '2020-07-07', progress: '制定工作方案，设立党员监督岗36个，完成“明厨亮灶”改造58家。', problems: '个别养老机构改造资金不足。', next: '协调民政部门落实改造补助。' },
      { quarter: '2020Q3', on: '2020-10-09', progress: '党员监督岗增至50个，“明厨亮灶”覆盖率达到97%，开展交叉检查2轮。', problems: '检查结果公开的及时性有待提高。', next: '建立检查结果周公开机制。' },
    ],
    results: '全区学校、养老机构食堂“明厨亮灶”覆盖率达到100%，设立党员监督岗50个，开展检查420余家次，整改问题136个，未发生食品安全事故。',
    self: '项目目标全部完成。',
    committee: '同意结项。',
    acceptance: '现场抽查12家食堂，“明厨亮灶”运行正常，验收通过。',
  },
];

const BRAND_ORG = 'org-hs-jiaoyu';
const BRAND_ID = 'b-2020-hs-jiaoyu';

// ---- the steps -------------------------------------------------------------------------------------------------

function hist(stage: string, date: string, by: string, note?: string) {
  return { stage, date, by, ...(note ? { note } : {}) };
}

/**
 * Builds the demo repository in `dir` (which must not exist, or be an earlier demo: then it is replaced).
 * Calls `onStep` after each commit.
 */
export async function buildDemo(dir: string, onStep?: (step: DemoStep) => void): Promise<DemoResult> {
  const root = path.resolve(dir);
  if (fs.existsSync(root) && fs.readdirSync(root).length > 0) {
    if (!fs.existsSync(path.join(root, DEMO_MARKER))) {
      throw new RefusedError(
        `${root} 已存在且不是 djyc demo 生成的目录，为免覆盖，未做任何更改（请换一个 --dir）`,
        `${root} exists and was not made by djyc demo; nothing was changed so as not to overwrite it (choose another --dir)`,
      );
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
  const init = await initRepository({ dir: root, preset: DEMO_PRESET, year: DEMO_YEAR, name: '惠山区机关党建“双领一创”台账（演示）', programmeId: P });
  fs.writeFileSync(path.join(root, DEMO_MARKER), 'made by djyc demo; `djyc demo` may delete and recreate this folder\n');
  fs.appendFileSync(path.join(root, '.git', 'info', 'exclude'), `${DEMO_MARKER}\n`);
  const steps: DemoStep[] = [{ message: 'djyc init', commit: init.commit, records: 1 }];
  onStep?.(steps[0]!);

  const record = (message: string, commit: string, records: number) => {
    const s = { message, commit, records };
    steps.push(s);
    onStep?.(s);
  };
  const write = async (message: string, today: string, changes: Change[]) => {
    const r = await writeRecords(root, changes, message, { today });
    record(message, r.commit, changes.length);
  };
  const files = async (list: Array<{ path: string; content: string; expected: null }>, message: string) => {
    const r = await commitChanges(root, list, message);
    record(message, r.commit, 0);
  };
  /** One workflow operation (advance, claim, task, report, close, panel, accept, rate, brand): one commit. */
  const op = async <R extends { commit?: string; message?: string }>(label: string, run: Promise<R>): Promise<R> => {
    const r = await run;
    record(label, r.commit ?? '', 1);
    return r;
  };
  const W = ISSUER_ORG;

  // 1. Organisations, members, the expert pool.
  await write('djyc demo: 党组织、党员与专家库', '2020-03-02', [
    ...ORGS.map((o) => change('organisation', o)),
    ...MEMBERS.map((x) => change('member', x)),
    ...EXPERTS.map((x) => change('expert', x)),
  ]);

  // 2. 项目申报 (03-01 – 03-31): applications with their 理由依据 and 依据性文件材料.
  await files(
    PROJECTS.map((p) => ({
      path: `attachments/2020/${p.id}-apply.md`,
      content: `# ${orgShort(p.org)}关于申报“双领一创”项目的请示\n\n区级机关工委：\n\n我支部拟申报“${p.title}”项目，理由依据如下：\n\n${p.reason}\n\n妥否，请批示。\n`,
      expected: null,
    })),
    'djyc demo: 依据性文件材料',
  );
  await write(
    'djyc demo: 项目申报',
    '2020-03-20',
    PROJECTS.map((p) =>
      change<ProjectRecord>('project', {
        id: p.id,
        programme: P,
        title: p.title,
        categories: p.categories,
        source: p.source,
        proposed_by: p.org,
        leader: p.leader,
        contact: p.contact,
        reason: p.reason,
        goals: p.goals,
        content: p.content,
        measures: p.measures,
        start: '2020-05-01',
        due: p.due,
        stage: 'proposed',
        history: [hist('proposed', '2020-03-20', p.contact, '申报')],
        attachments: [{ title: `${orgShort(p.org)}关于申报“双领一创”项目的请示`, path: `attachments/2020/${p.id}-apply.md`, type: '依据性' }],
      }),
    ),
  );

  // 3. 项目认定 (04-01 – 04-15): the 工委 approves; numbers follow the programme's format.
  for (const p of PROJECTS) await op(`djyc advance ${p.id} → approved（立项）`, advance({ root, id: p.id, to: 'approved', date: '2020-04-10', by: '区级机关工委', approvedBy: W }));

  // 4. 项目认领 (04-15 – 04-30): the organisation claims (its commitment, 附件2, is signed; the claim moves the
  //    project into 项目认领), then members take tasks (附件3 for each).
  for (const p of PROJECTS) {
    await op(`djyc claim ${p.id} --org ${p.org} → claimed（认领）`, claim({ root, project: p.id, org: p.org, leader: p.leader, date: '2020-04-20', by: memberName(p.leader) }));
  }
  const taskIds = new Map<string, string>();
  for (const p of PROJECTS) {
    for (const t of p.tasks) {
      const member = MEMBERS.find((x) => x.id === t.members[0])!;
      const org = ORGS.find((o) => o.id === member.organisation)!;
      const r = await op(
        `djyc task add ${p.id}：${t.content}`,
        // The position line of the commitment (附件3) names one person: given for a task held alone.
        addTask({ root, project: p.id, members: t.members, content: t.content, due: t.due, position: t.members.length === 1 ? `${org.unit}${member.admin_title}` : undefined, date: '2020-04-28', by: member.name }),
      );
      taskIds.set(t.id, r.task);
    }
  }

  // 5. 领办公示 (05-01 – 05-10), then 实施推进.
  for (const p of PROJECTS) await op(`djyc advance ${p.id} → published（领办公示）`, advance({ root, id: p.id, to: 'published', date: '2020-05-06', by: '区级机关工委', note: '党务公开栏公示' }));
  for (const p of PROJECTS) {
    await op(`djyc advance ${p.id} → implementing`, advance({ root, id: p.id, to: 'implementing', date: '2020-05-11', by: memberName(p.leader) }));
    for (const t of p.tasks) await op(`djyc advance ${taskIds.get(t.id)} → implementing`, advance({ root, id: taskIds.get(t.id)!, to: 'implementing', date: '2020-05-11', by: memberName(t.members[0]!) }));
  }

  // 6. 品牌命名 (05-01 – 05-15) with its logo, then 培育.
  const brand = await op('djyc brand new 红烛先锋', newBrand({
    root,
    programme: P,
    id: BRAND_ID,
    org: BRAND_ORG,
    name: '红烛先锋',
    concept: '“红烛”寓意教育工作者燃烧自己、照亮他人；“先锋”体现机关党员在服务教育改革发展中走在前、作表率。品牌以“服务学校、服务师生、服务家长”为核心，打造教育系统机关党建特色品牌。',
    contact: 'm-hs-li-min',
    logo: DEMO_LOGO,
    date: '2020-05-12',
    by: '李敏',
    note: '支部党员大会确定品牌名称、标识和理念',
  }));
  await op('djyc advance 红烛先锋 → cultivating（品牌培育）', advance({ root, id: brand.brand, to: 'cultivating', date: '2020-06-15', by: '李敏', note: '制定品牌培育方案' }));

  // 7. Quarterly reports (执行书) of every project and every task, Q2 and Q3.
  for (const p of PROJECTS) {
    for (const r of p.reports) {
      await op(`djyc report ${p.id} ${r.quarter}`, fileReport({ root, subject: p.id, quarter: r.quarter, progress: r.progress, problems: r.problems, next: r.next, responsible: p.contact, date: r.on, by: memberName(p.contact) }));
    }
    for (const t of p.tasks) {
      for (const [quarter, on] of [['2020Q2', '2020-07-06'], ['2020Q3', '2020-10-09']] as const) {
        await op(
          `djyc report ${taskIds.get(t.id)} ${quarter}`,
          fileReport({
            root,
            subject: taskIds.get(t.id)!,
            quarter,
            progress: quarter === '2020Q2' ? `围绕“${t.content}”制定个人工作计划，完成前期调研，走访服务对象${8 + t.content.length % 7}次。` : `本季度围绕“${t.content}”推进落实，完成阶段性目标，收集并推动解决问题${4 + t.content.length % 5}个。`,
            problems: quarter === '2020Q2' ? '工作衔接机制还需完善。' : '服务对象分布较散，走访效率有待提高。',
            next: quarter === '2020Q2' ? '建立问题清单，逐项跟踪落实。' : '建立微信联系群，实行问题清单化管理。',
            responsible: t.members[0],
            date: on,
            by: memberName(t.members[0]!),
          }),
        );
      }
    }
  }

  // 8. 结项申请及品牌申报 (11-01 – 11-15): closures with their 印证性文件材料, and the brand application.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-demo-'));
  try {
    for (const p of PROJECTS) {
      const summary = path.join(scratch, `${p.title.replace(/[“”"/\\]/g, '')}工作总结.md`);
      fs.writeFileSync(summary, `# ${p.title}工作总结\n\n${p.results}\n\n${p.self}\n`);
      await op(`djyc close ${p.id}`, close({ root, subject: p.id, results: p.results, selfAssessment: p.self, attach: [summary], date: '2020-11-06', by: memberName(p.contact) }));
      for (const t of p.tasks) {
        await op(
          `djyc close ${taskIds.get(t.id)}`,
          close({ root, subject: taskIds.get(t.id)!, results: `按期完成“${t.content}”任务：建立工作台账，形成工作机制，服务对象满意度较高，任务目标全部实现。`, date: '2020-11-06', by: memberName(t.members[0]!) }),
        );
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  await op('djyc brand set 红烛先锋（取得成效、基层党组织意见）', brandSet({
    root,
    brand: brand.brand,
    results: '品牌创建以来，支部党员联系全区20所学校，开展课后服务督导、家长开放日等活动60余次，“红烛先锋”志愿服务队服务师生家长1.2万人次；支部被评为区级机关“五星级党支部”，相关做法被“学习强国”平台刊发。',
    branchOpinion: '同意申报。',
    date: '2020-11-10',
    by: '李敏',
  }));
  await op('djyc advance 红烛先锋 → applied（品牌申报）', advance({ root, id: brand.brand, to: 'applied', date: '2020-11-10', by: '李敏', note: '填报品牌申报审批表' }));

  // 9. 项目验收及品牌认定 (11-16 – 12-30): panels drawn from the expert pool, acceptance, ratings.
  for (const [i, p] of PROJECTS.entries()) {
    await op(`djyc panel ${p.id}`, drawPanel({ root, subject: p.id, seed: `huishan-2020-${i + 1}`, date: '2020-11-18', by: '区级机关工委' }));
    await op(`djyc accept ${p.id} pass`, accept({ root, subject: p.id, result: 'pass', opinion: p.acceptance, methods: ['查阅资料', '听取汇报', '四不两直现场印证'], date: '2020-12-08', by: '验收组' }));
    await op(`djyc advance ${p.id} → accepted（验收通过）`, advance({ root, id: p.id, to: 'accepted', date: '2020-12-08', by: '区级机关工委' }));
    await op(`djyc rate ${p.id}（党委（党组）意见）`, rate({ root, subject: p.id, committeeOpinion: p.committee, date: '2020-12-08', by: '区级机关工委' }));
    for (const [j, t] of p.tasks.entries()) {
      const votes = j === 0 ? { 好: 26, 较好: 5, 一般: 1, 较差: 0 } : { 好: 19, 较好: 7, 一般: 2, 较差: 0 };
      await op(
        `djyc rate ${taskIds.get(t.id)}`,
        rate({ root, subject: taskIds.get(t.id)!, branch: j === 0 ? '好' : '较好', committee: j === 0 ? '好' : '较好', participants: j === 0 ? 32 : 28, votes, date: '2020-12-20', by: '年度党员大会' }),
      );
      await op(`djyc advance ${taskIds.get(t.id)} → rated（已评议）`, advance({ root, id: taskIds.get(t.id)!, to: 'rated', date: '2020-12-20', by: '年度党员大会' }));
    }
  }
  await op('djyc brand set 红烛先锋（党委意见）', brandSet({ root, brand: brand.brand, committeeOpinion: '同意申报，推荐认定。', date: '2020-12-15', by: '区级机关工委' }));
  await op('djyc rate 红烛先锋（评审组意见）', rate({ root, subject: brand.brand, opinion: '品牌名称凝练、标识简洁，内涵与教育系统职能结合紧密，创建成效明显，同意认定为区级机关党建品牌。', date: '2020-12-22', by: '评审组' }));
  await op('djyc advance 红烛先锋 → recognised（品牌认定）', advance({ root, id: brand.brand, to: 'recognised', date: '2020-12-22', by: '区级机关工委' }));

  const repo = loadRepository(root);
  const counts: Record<string, number> = {};
  for (const r of repo.records) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return { root, programme: P, steps, counts };
}

function memberName(id: string): string {
  return MEMBERS.find((m) => m.id === id)?.name ?? id;
}

function orgShort(id: string): string {
  const o = ORGS.find((x) => x.id === id);
  return o?.short_name ?? o?.name ?? id;
}

/**
 * Makes `dir` ready for a demo run: created if missing; an earlier demo's output (it holds the marker file) is
 * cleared; any other non-empty folder is refused, so that nothing of the user's is ever deleted.
 */
export function prepareDemoOutput(dir: string): string {
  const root = path.resolve(dir);
  if (fs.existsSync(root)) {
    if (!fs.statSync(root).isDirectory()) {
      throw new RefusedError(`${root} 不是文件夹`, `${root} is not a folder`);
    }
    const entries = fs.readdirSync(root);
    if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
      throw new RefusedError(
        `${root} 已存在且不是 djyc demo 生成的目录，为免覆盖，未做任何更改（请用 --dir 指定另一个目录）`,
        `${root} exists and was not made by djyc demo; nothing was changed so as not to overwrite it (choose another folder with --dir)`,
      );
    }
    for (const e of entries) if (e !== DEMO_MARKER) fs.rmSync(path.join(root, e), { recursive: true, force: true });
  }
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, DEMO_MARKER), 'made by djyc demo; `djyc demo` may delete and recreate this folder\n');
  return root;
}

/** The pack the demo prints (结项申请及品牌申报) and the organisation it prints it for. */
export const DEMO_PACK = 'closure';
export const DEMO_PACK_ORG = BRAND_ORG;
