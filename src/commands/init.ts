import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { RefusedError } from '../domain/errors.js';
import { CONFIG_FILE, KIND_DIRS, KINDS, RECORDS_DIR, recordPath } from '../domain/kinds.js';
import { SCHEMAS_DIR, TEMPLATES_DIR, packageVersion } from '../assets/paths.js';
import { presetText } from '../assets/presets.js';
import { createRepository } from '../store/transaction.js';

/** A programme file made from a preset: its id and year set, comments kept. */
export function programmeFromPreset(preset: string, year: number, id = `${preset}-${year}`): { id: string; text: string } {
  const doc = parseDocument(presetText(preset), { version: '1.2', schema: 'core' });
  doc.set('id', id);
  doc.set('year', year);
  const text = `# yaml-language-server: $schema=../../schemas/programme.schema.json\n${doc.toString({ lineWidth: 0, minContentWidth: 0 })}`;
  return { id, text };
}

export interface InitOptions {
  dir: string;
  preset: string;
  year: number;
  name?: string;
  programmeId?: string;
}

export interface InitResult {
  root: string;
  programme: string;
  files: string[];
  commit: string;
}

function vscodeSettings(): string {
  const schemas: Record<string, string[]> = {};
  for (const k of KINDS) schemas[`./schemas/${k}.schema.json`] = [`${RECORDS_DIR}/${KIND_DIRS[k]}/*.yaml`];
  schemas['./schemas/config.schema.json'] = [CONFIG_FILE];
  return `${JSON.stringify({ 'yaml.schemas': schemas, 'yaml.customTags': [], 'files.encoding': 'utf8' }, null, 2)}\n`;
}

/** The files of a new records repository, relative to its root. */
export function repositoryFiles(opts: InitOptions): { files: Map<string, string>; programme: string } {
  const { id, text } = programmeFromPreset(opts.preset, opts.year, opts.programmeId);
  const files = new Map<string, string>();
  files.set(
    CONFIG_FILE,
    `# yaml-language-server: $schema=./schemas/config.schema.json\n# djyc 记录库配置（records repository configuration）\ndjyc: 1\nname: ${JSON.stringify(opts.name ?? `${opts.year} 年党建项目化管理记录库`)}\ndefault_programme: ${id}\n`,
  );
  files.set(recordPath('programme', id), text);
  for (const k of KINDS) if (k !== 'programme') files.set(`${RECORDS_DIR}/${KIND_DIRS[k]}/.gitkeep`, '');
  for (const f of fs.readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json'))) files.set(`schemas/${f}`, fs.readFileSync(path.join(SCHEMAS_DIR, f), 'utf8'));
  files.set('.vscode/settings.json', vscodeSettings());
  files.set('.github/workflows/djyc.yml', fs.readFileSync(path.join(TEMPLATES_DIR, 'repo/github-workflow.yml'), 'utf8').replaceAll('{{version}}', packageVersion()));
  files.set('.gitignore', 'node_modules/\n.djyc-cache/\n*.pdf\n/out/\n');
  files.set('attachments/.gitkeep', '');
  return { files, programme: id };
}

/** Creates a records repository: git init, config, programme, schemas, editor and CI settings, one first commit. */
export async function initRepository(opts: InitOptions): Promise<InitResult> {
  const root = path.resolve(opts.dir);
  const { files, programme } = repositoryFiles(opts);
  const existing = [...files.keys()].filter((f) => !f.endsWith('.gitkeep') && fs.existsSync(path.join(root, f)));
  if (existing.length) {
    throw new RefusedError(
      `${root} 中已有以下文件，为免覆盖，未做任何更改：${existing.join('、')}`,
      `${root} already holds these files; nothing was changed so as not to overwrite them: ${existing.join(', ')}`,
    );
  }
  const commit = await createRepository(root, files, `djyc init: ${programme} (preset ${opts.preset}, ${opts.year})`);
  return { root, programme, files: [...files.keys()], commit };
}
