/** The record kinds: each lives in its own folder under `records/`, one YAML file per record, named by its id. */
export const KINDS = [
  'programme', 'organisation', 'member', 'expert', 'project', 'task',
  'commitment', 'report', 'closure', 'evaluation', 'brand', 'selection',
] as const;

export type Kind = (typeof KINDS)[number];

export const RECORDS_DIR = 'records';
export const CONFIG_FILE = 'djyc.yaml';

/** Folder of each kind under `records/`. */
export const KIND_DIRS: Record<Kind, string> = {
  programme: 'programmes',
  organisation: 'organisations',
  member: 'members',
  expert: 'experts',
  project: 'projects',
  task: 'tasks',
  commitment: 'commitments',
  report: 'reports',
  closure: 'closures',
  evaluation: 'evaluations',
  brand: 'brands',
  selection: 'selections',
};

/** Prefix of generated ids, so an id alone tells its kind to a reader. */
export const ID_PREFIX: Record<Kind, string> = {
  programme: 'prog',
  organisation: 'org',
  member: 'm',
  expert: 'exp',
  project: 'p',
  task: 't',
  commitment: 'c',
  report: 'r',
  closure: 'cl',
  evaluation: 'ev',
  brand: 'b',
  selection: 'sel',
};

const DIR_TO_KIND = new Map<string, Kind>(KINDS.map((k) => [KIND_DIRS[k], k]));

export function kindOfDir(dir: string): Kind | undefined {
  return DIR_TO_KIND.get(dir);
}

/**
 * Whether a file of this name, right in records/ or in a kind folder, is one the listing never reads as a record and
 * says so of: a YAML file next to the kind folders; in a kind folder, anything not named `*.yaml` (p-1.yml, P-1.YAML).
 * Dot-files (.gitkeep) are no one's records.
 */
export function unreadFileName(name: string, inKindFolder: boolean): boolean {
  if (name.startsWith('.')) return false;
  return inKindFolder ? !name.endsWith('.yaml') : /\.ya?ml$/i.test(name);
}

/** Repository-relative path of a record file (always with forward slashes). */
export function recordPath(kind: Kind, id: string): string {
  return `${RECORDS_DIR}/${KIND_DIRS[kind]}/${id}.yaml`;
}

/** Path of a kind's schema from a record file, for the `# yaml-language-server: $schema=` line. */
export function schemaComment(kind: Kind): string {
  return `# yaml-language-server: $schema=../../schemas/${kind}.schema.json`;
}

/** What `djyc import` reads from a table: organisations, members or projects. */
export type ImportKind = 'org' | 'member' | 'project';
export const IMPORT_KINDS: ImportKind[] = ['org', 'member', 'project'];
