import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { opOptions, printOp } from '../workflow-output.js';
import { command, options, SHARED, use, RECORD, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  org: use(SHARED.org, { note: { zh: '领办或联办的党组织', en: 'the organisation that leads or co-organises' }, required: true }),
  lead: { flags: '--lead', zh: '作为牵头（领办）单位（默认）', en: 'as the lead (default)' },
  coOrganiser: { flags: '--co-organiser', zh: '作为联办单位', en: 'as a co-organiser' },
  assignedBy: { flags: '--assigned-by <org>', zh: '指定领办的上级党组织编号', en: 'upper organisation that designates the lead' },
  replace: { flags: '--replace', zh: '改由本单位领办（原领办单位尚未签订承诺书时）', en: 'take over from another lead (before it signed a commitment)' },
  leader: { flags: '--leader <member>', zh: '项目负责人（党员编号）', en: 'project leader (member id)' },
  directResponsible: { flags: '--direct-responsible <member>', zh: '直接责任人（班子成员，党员编号）', en: 'directly responsible member (of the leadership, member id)' },
  liaison: { flags: '--liaison <member>', zh: '联络员（党员编号）', en: 'liaison (member id)' },
  entryPoint: { flags: '--entry-point <text>', zh: '联办切入点', en: "the co-organiser's entry point" },
  plan: { flags: '--plan <text>', zh: '联办工作计划（报牵头单位）', en: "the co-organiser's work plan (handed to the lead)" },
  responsible: { flags: '--responsible <member>', zh: '联办单位专人负责（党员编号）', en: "the co-organiser's responsible member" },
  commitmentText: { flags: '--commitment-text <text>', zh: '承诺书中本项目的承诺内容（默认项目名称）', en: 'commitment text for this project (default: the title)' },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'claim <project>', T('党组织领办项目（生成或补充《党组织领办项目承诺书》）；--assigned-by 为上级指定领办；--co-organiser 为联办单位申报并向牵头单位报送工作计划', 'an organisation claims a project (creates or extends its commitment); --assigned-by: designated by an upper organisation; --co-organiser: joins as co-organiser and hands its work plan to the lead'), OPTIONS).action(
    run(async (ctx, project: string, f: Options<typeof OPTIONS>) => {
      const { claim } = await import('../../commands/claim.js');
      if (f.lead && f.coOrganiser) throw new UsageError('--lead 与 --co-organiser 只能选一个', 'choose either --lead or --co-organiser');
      const role = f.coOrganiser ? 'co-organiser' : 'lead';
      const r = await claim({
        ...opOptions(ctx, f), project, org: f.org, role, assignedBy: f.assignedBy, replace: f.replace, leader: f.leader, directResponsible: f.directResponsible,
        liaison: f.liaison, entryPoint: f.entryPoint, plan: f.plan, responsible: f.responsible, commitmentText: f.commitmentText,
      });
      const moved = r.moved ? T(`，从 ${r.moved.fromName.zh} 转入 ${r.moved.toName.zh}`, `, moved from ${r.moved.fromName.en} to ${r.moved.toName.en}`) : T('', '');
      const what = role === 'lead'
        ? T(`${r.orgName} 领办 ${r.projectName.zh}${r.commitment ? `（承诺书 ${r.commitment}）` : ''}${moved.zh}`, `${r.orgName} leads ${r.projectName.en}${r.commitment ? ` (commitment ${r.commitment})` : ''}${moved.en}`)
        : T(`${r.orgName} 联办 ${r.projectName.zh}${f.plan ? '，工作计划已报牵头单位' : ''}`, `${r.orgName} co-organises ${r.projectName.en}${f.plan ? ', work plan handed to the lead' : ''}`);
      printOp(ctx, r, what, f.json, { project: r.project, org: r.org, role: r.role, commitment: r.commitment, stage: r.moved?.to });
    }),
  );
}
