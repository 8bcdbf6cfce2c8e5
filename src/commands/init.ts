import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { RefusedError, UsageError } from '../domain/errors.js';
import { CONFIG_FILE, KIND_DIRS, KINDS, RECORDS_DIR, recordPath } from '../domain/kinds.js';
import { SCHEMAS_DIR, TEMPLATES_DIR, packageVersion } from '../assets/paths.js';
import { presetText } from '../assets/presets.js';
import { createRepository } from '../store/transaction.js';

/** Programme files made in this process, by preset text, year and id: a host that inits many repositories (the tests) parses each preset once. */
const made = new Map<string, string>();

/** A programme file made from a preset: its id and year set, comments kept. */
export function programmeFromPreset(preset: string, year: number, id = `${preset}-${year}`): { id: string; text: string } {
  const source = presetText(preset);
  const key = `${year}\0${id}\0${source}`;
  let text = made.get(key);
  if (text === undefined) {
    const doc = parseDocument(source, { version: '1.2', schema: 'core' });
    doc.set('id', id);
    doc.set('year', year);
    text = `# yaml-language-server: $schema=../../schemas/programme.schema.json\n${doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false })}`;
    if (made.size > 64) made.clear();
    made.set(key, text);
  }
  return { id, text };
}

export interface InitOptions {
  dir: string;
  preset: string;
  year: number;
  name?: string;
  programmeId?: string;
  /** How CI installs djyc (djyc.yaml `package:`): a registry version, a git URL or a tarball path. */
  package?: string;
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

/**
 * The files `init` copies from djyc and `djyc upgrade` refreshes after an upgrade: the schemas, the editor
 * settings, the CI workflows (GitHub's, and Gitea's own: Gitea's runner supports other action versions) and the
 * yamllint settings. Repository-relative path → content.
 */
export function setupFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of fs.readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json')).sort()) files.set(`schemas/${f}`, fs.readFileSync(path.join(SCHEMAS_DIR, f), 'utf8'));
  files.set('.vscode/settings.json', vscodeSettings());
  files.set(GITHUB_WORKFLOW, fs.readFileSync(path.join(TEMPLATES_DIR, 'repo/github-workflow.yml'), 'utf8'));
  files.set(GITEA_WORKFLOW, fs.readFileSync(path.join(TEMPLATES_DIR, 'repo/gitea-workflow.yml'), 'utf8'));
  files.set('.yamllint', fs.readFileSync(path.join(TEMPLATES_DIR, 'repo/yamllint.yml'), 'utf8'));
  return files;
}

export const GITHUB_WORKFLOW = '.github/workflows/djyc.yml';
export const GITEA_WORKFLOW = '.gitea/workflows/djyc.yml';

/** What djyc.yaml says about how CI installs djyc, as a comment block when it is not set yet. */
function packageLines(spec: string | undefined): string {
  if (spec) return `# 持续集成安装 djyc 的来源（registry version, git URL or tarball path; see README）\npackage: ${JSON.stringify(spec)}\n`;
  return (
    '# 持续集成安装 djyc 的来源（CI installs djyc from here; see README）：本单位掌握的注册表版本、git 地址或 tarball 路径，例如\n' +
    '# package: vendor/djyc-' + packageVersion() + '.tgz\n'
  );
}

/** The files of a new records repository, relative to its root. */
export function repositoryFiles(opts: InitOptions): { files: Map<string, string>; programme: string } {
  const { id, text } = programmeFromPreset(opts.preset, opts.year, opts.programmeId);
  const files = new Map<string, string>();
  files.set(
    CONFIG_FILE,
    `# yaml-language-server: $schema=./schemas/config.schema.json\n# djyc 记录库配置（records repository configuration）\ndjyc: 1\nname: ${JSON.stringify(opts.name ?? `${opts.year} 年党建项目化管理记录库`)}\ndefault_programme: ${id}\n${packageLines(opts.package)}`,
  );
  files.set(recordPath('programme', id), text);
  for (const k of KINDS) if (k !== 'programme') files.set(`${RECORDS_DIR}/${KIND_DIRS[k]}/.gitkeep`, '');
  for (const [rel, content] of setupFiles()) files.set(rel, content);
  files.set('.gitignore', 'node_modules/\n.djyc-cache/\n*.pdf\n/out/\n');
  files.set('attachments/.gitkeep', '');
  return { files, programme: id };
}

export type PackageKind = 'registry' | 'git' | 'tarball';

/**
 * What kind of npm spec djyc.yaml's `package:` is. A bare registry name, or a range, is refused: CI would install
 * whatever is published under that name later (djyc is not published on the public registry).
 */
export function packageKind(spec: string): PackageKind {
  const s = spec.trim();
  if (/^(git\+(https?|ssh|file):\/\/|git:\/\/|(github|gitlab|bitbucket):)/.test(s) || /^https?:\/\/.+\.git(#.*)?$/.test(s)) return 'git';
  if (/\.(tgz|tar\.gz)$/.test(s) && !/^https?:/.test(s)) return 'tarball';
  if (/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+(-[\w.]+)?$/i.test(s)) return 'registry';
  throw new UsageError(
    `--package “${spec}”：应为注册表中的确定版本（如 @本单位/djyc@0.1.0）、git 地址（git+https://…#v0.1.0）或 tarball 路径（vendor/djyc-0.1.0.tgz）；不接受没有确定版本的包名`,
    `--package "${spec}": expected an exact registry version (@org/djyc@0.1.0), a git URL (git+https://…#v0.1.0) or a tarball path (vendor/djyc-0.1.0.tgz); a name without an exact version is not accepted`,
  );
}

/** Creates a records repository: git init, config, programme, schemas, editor and CI settings, one first commit. */
export async function initRepository(opts: InitOptions): Promise<InitResult> {
  const root = path.resolve(opts.dir);
  if (opts.package !== undefined) packageKind(opts.package);
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
