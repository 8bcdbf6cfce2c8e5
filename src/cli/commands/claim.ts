import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { claim } from '../../commands/claim.js';
import { UsageError } from '../../domain/errors.js';
import { opOptions, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

interface Flags extends WriteFlags {
  org: string; assignedBy?: string; lead?: boolean; coOrganiser?: boolean; replace?: boolean; leader?: string; directResponsible?: string; liaison?: string;
  entryPoint?: string; plan?: string; responsible?: string; commitmentText?: string;
}

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('claim <project>')
    .description(tr(lang, '党组织领办项目（生成或补充《党组织领办项目承诺书》）；--assigned-by 为上级指定领办；--co-organiser 为联办单位申报并向牵头单位报送工作计划', 'an organisation claims a project (creates or extends its commitment); --assigned-by: designated by an upper organisation; --co-organiser: joins as co-organiser and hands its work plan to the lead'))
    .requiredOption('--org <id>', tr(lang, '领办（联办）党组织编号', 'claiming organisation id'))
    .option('--lead', tr(lang, '作为牵头（领办）单位（默认）', 'as the lead (default)'))
    .option('--co-organiser', tr(lang, '作为联办单位', 'as a co-organiser'))
    .option('--assigned-by <org>', tr(lang, '指定领办的上级党组织编号', 'upper organisation that designates the lead'))
    .option('--replace', tr(lang, '改由本单位领办（原领办单位尚未签订承诺书时）', 'take over from another lead (before it signed a commitment)'))
    .option('--leader <member>', tr(lang, '项目负责人（党员编号）', 'project leader (member id)'))
    .option('--direct-responsible <member>', tr(lang, '直接责任人（班子成员，党员编号）', 'direct responsible (member id)'))
    .option('--liaison <member>', tr(lang, '联络员（党员编号）', 'liaison (member id)'))
    .option('--entry-point <text>', tr(lang, '联办切入点', 'co-organiser\'s entry point'))
    .option('--plan <text>', tr(lang, '联办工作计划（报牵头单位）', 'co-organiser\'s work plan (handed to the lead)'))
    .option('--responsible <member>', tr(lang, '联办单位专人负责（党员编号）', 'co-organiser\'s responsible member'))
    .option('--commitment-text <text>', tr(lang, '承诺书中本项目的承诺内容（默认项目名称）', 'commitment text for this project (default: the title)'));
  writeOptions(cmd, lang).action(
    run(async (ctx, project: string, f: Flags) => {
      if (f.lead && f.coOrganiser) throw new UsageError('--lead 与 --co-organiser 只能选一个', 'choose either --lead or --co-organiser');
      const role = f.coOrganiser ? 'co-organiser' : 'lead';
      const r = await claim({
        ...opOptions(ctx, f), project, org: f.org, role, assignedBy: f.assignedBy, replace: f.replace, leader: f.leader, directResponsible: f.directResponsible,
        liaison: f.liaison, entryPoint: f.entryPoint, plan: f.plan, responsible: f.responsible, commitmentText: f.commitmentText,
      });
      const what = role === 'lead' ? T(`${r.org} 领办 ${r.project}${r.commitment ? `（承诺书 ${r.commitment}）` : ''}`, `${r.org} leads ${r.project}${r.commitment ? ` (commitment ${r.commitment})` : ''}`) : T(`${r.org} 联办 ${r.project}${f.plan ? '，工作计划已报牵头单位' : ''}`, `${r.org} co-organises ${r.project}${f.plan ? ', work plan handed to the lead' : ''}`);
      printOp(ctx, r, what, f.json, { project: r.project, org: r.org, role: r.role, commitment: r.commitment });
    }),
  );
}
