/** The programme a command acts on when none is named, said out loud when the repository holds several. */
import { say } from '../domain/i18n.js';
import type { RecordIndex, Repository } from '../domain/records.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { chooseProgramme, choiceNote } from '../domain/years.js';
import type { CliContext } from './io.js';

/** Chooses the programme (domain/years.ts) and, when it was chosen among several, names it on standard error. */
export function pickProgramme(ctx: CliContext, repo: Repository | RecordIndex, id: string | undefined, today: string): ProgrammeRecord {
  const choice = chooseProgramme(repo, id, today);
  const note = choiceNote(choice, today);
  if (note) ctx.err(say(ctx.lang, note));
  return choice.programme;
}
