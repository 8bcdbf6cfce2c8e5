/**
 * User-facing text: Chinese by default, English with `--lang en`. One idiom: every message is a Chinese–English
 * pair written where it is used — `T(zh, en)` where the language is not known yet (errors, notes, guard reasons,
 * labels), `tr(lang, zh, en)` where it is — and shown with `say(lang, text)`. Problems found in records are the one
 * keyed catalogue (`messages` below): their keys are the stable rule ids of `djyc validate`, their params filled in
 * when shown.
 */
export type Lang = 'zh' | 'en';

/** A user-facing text in both languages. */
export interface Text {
  zh: string;
  en: string;
}

export const T = (zh: string, en: string): Text => ({ zh, en });

/** A text in a language. */
export function say(lang: Lang, text: Text): string {
  return lang === 'en' ? text.en : text.zh;
}

/** Picks the Chinese or English text. */
export function tr(lang: Lang, zh: string, en: string): string {
  return lang === 'en' ? en : zh;
}

/**
 * Whether messages also show the internal ids of the things they name by label (a stage: 项目认定（立项）（approved）).
 * Off by default: Chinese text names stages by their programme label only. The CLI turns it on for `--verbose`, once
 * per run, before any message is made (a display setting, like the language, not state of the records).
 */
let idsShown = false;
export function showIds(on: boolean): void {
  idsShown = on;
}
export function showingIds(): boolean {
  return idsShown;
}

/** A list as a sentence reads it: 甲、乙 / a, b. */
export function joinList(items: string[], lang: Lang): string {
  return items.join(lang === 'zh' ? '、' : ', ');
}

const messages = {
  // --- input files ---
  'file-too-large': { zh: '文件过大（超过上限 {max} 字节）', en: 'file too large (over the limit of {max} bytes)' },
  'not-utf8': { zh: '文件不是有效的 UTF-8 编码（请另存为 UTF-8）', en: 'file is not valid UTF-8 (save it as UTF-8)' },
  'yaml-control-char': { zh: '文件含有控制字符 {code}（YAML 不允许；这类字符看不见，多由复制粘贴或文件损坏带入）：请删除它，确需保留时在双引号字符串中写成转义形式（如 "\\a"）', en: 'the file holds the control character {code} (not allowed in YAML; invisible, usually pasted in or from a damaged file): remove it, or write it as an escape inside a double-quoted string (e.g. "\\a")' },
  'merge-conflict': { zh: '发现未解决的合并冲突标记“{marker}”，请先解决冲突', en: 'unresolved merge-conflict marker "{marker}": resolve the conflict first' },
  'yaml-syntax': { zh: 'YAML 语法错误：{detail}', en: 'YAML syntax error: {detail}' },
  'yaml-version': { zh: '只支持 YAML 1.2（发现 %YAML {version}）', en: 'only YAML 1.2 is supported (found %YAML {version})' },
  'yaml-multi-doc': { zh: '一个文件只能有一个 YAML 文档', en: 'a file may hold only one YAML document' },
  'yaml-alias': { zh: '不允许使用 YAML 锚点或别名（& / *），请直接写出内容', en: 'YAML anchors and aliases (& / *) are not allowed: write the content out' },
  'yaml-tag': { zh: '不允许使用 YAML 标签“{tag}”', en: 'YAML tag "{tag}" is not allowed' },
  'yaml-merge-key': { zh: '不允许使用合并键“<<”', en: 'merge keys "<<" are not allowed' },
  'duplicate-key': { zh: '重复的键“{key}”', en: 'duplicate key "{key}"' },
  'not-a-mapping': { zh: '记录必须是键值映射（mapping）', en: 'a record must be a mapping' },
  'empty-file': { zh: '文件为空', en: 'file is empty' },
  // --- schema ---
  'schema-unknown-key': { zh: '未知字段“{key}”', en: 'unknown key "{key}"' },
  'schema-missing-key': { zh: '缺少必填字段“{key}”', en: 'missing required key "{key}"' },
  'schema-type': { zh: '“{field}”应为{type}', en: '"{field}" must be {type}' },
  'schema-enum': { zh: '“{field}”的值不在允许范围内，可选：{allowed}', en: '"{field}" must be one of: {allowed}' },
  'schema-pattern': { zh: '“{field}”的格式不正确{hint}', en: '"{field}" has the wrong format{hint}' },
  'schema-format': { zh: '“{field}”不是有效的{format}', en: '"{field}" is not a valid {format}' },
  'schema-min-length': { zh: '“{field}”不能为空', en: '"{field}" must not be empty' },
  'schema-range': { zh: '“{field}”超出范围：{detail}', en: '"{field}" is out of range: {detail}' },
  'schema-items': { zh: '“{field}”的条目数不符合要求：{detail}', en: '"{field}" has the wrong number of items: {detail}' },
  'schema-unique': { zh: '“{field}”中有重复的条目', en: '"{field}" has duplicate items' },
  'schema-other': { zh: '“{field}”不符合要求：{detail}', en: '"{field}" is invalid: {detail}' },
  // --- repository ---
  'id-filename': { zh: '编号“{id}”与文件名“{expected}”不一致', en: 'id "{id}" does not match the file name "{expected}"' },
  'duplicate-id': { zh: '编号“{id}”重复：{other} 中已有同一编号', en: 'duplicate id "{id}": also used in {other}' },
  'ref-missing': { zh: '“{field}”引用的{kind}“{id}”不存在', en: '"{field}" refers to {kind} "{id}", which does not exist' },
  'ref-wrong-kind': { zh: '“{field}”应引用{kind}，但“{id}”是{actual}', en: '"{field}" must refer to a {kind}, but "{id}" is a {actual}' },
  'unknown-folder': { zh: '不认识的记录目录“{dir}”（可用：{dirs}）', en: 'unknown record folder "{dir}" (known: {dirs})' },
  'nested-folder': { zh: '“{dir}”是记录目录中的子文件夹，其中的文件不会被读取、校验或统计：记录文件应直接放在 {parent}/ 下', en: '"{dir}" is a folder inside a record folder: files in it are never read, checked or counted (record files belong directly in {parent}/)' },
  'not-record-file': { zh: '“{path}”不是记录文件，不会被读取、校验或统计：记录文件为 records/<记录目录>/<编号>.yaml（扩展名为小写的 .yaml）', en: '"{path}" is not a record file: it is never read, checked or counted (record files are records/<kind folder>/<id>.yaml, with a lower-case .yaml)' },
  'stray-temp': { zh: '残留的临时文件（上次写入被中断），下一次写入命令会清理', en: 'stray temporary file from an interrupted write; the next writing command sweeps it' },
  // --- paths (containment.ts): files a record names, record files themselves ---
  'path-absolute': { zh: '路径“{path}”应为相对于记录库根目录的路径（不能以 / 开头，也不能是盘符或网址）', en: 'path "{path}" must be relative to the repository root (no leading /, drive letter or URL)' },
  'path-not-normalised': { zh: '路径“{path}”含有“..”、“.”、空段、反斜杠、控制字符或 .git：请写成规范路径，例如 attachments/logos/x.png', en: 'path "{path}" contains "..", ".", an empty segment, a backslash, a control character or .git: write it plainly, e.g. attachments/logos/x.png' },
  'path-outside-attachments': { zh: '路径“{path}”不在 attachments/ 目录中：记录只能引用 attachments/ 下的文件', en: 'path "{path}" is not under attachments/: records may only name files under attachments/' },
  'path-outside': { zh: '“{path}”指向记录库之外', en: '"{path}" points outside the repository' },
  'path-symlink': { zh: '“{path}”是符号链接：为安全起见，djyc 不跟随、不读取符号链接（请换成普通文件）', en: '"{path}" is a symbolic link: for safety djyc never follows or reads links (use a regular file)' },
  'path-special': { zh: '“{path}”不是普通文件（设备、管道或套接字），不予读取', en: '"{path}" is not a regular file (a device, FIFO or socket); it is not read' },
  'path-not-a-file': { zh: '“{path}”不是文件', en: '"{path}" is not a file' },
  'path-type-mismatch': { zh: '文件“{path}”的内容不是扩展名所示的 {expected} 格式（实际：{found}）', en: 'the content of "{path}" is not {expected} as its extension says (found: {found})' },
  'pending-write': { zh: '有一次写入尚未完成（{journal}）：它正在进行，或因磁盘已满、断电或被强行终止而中断，文件可能写了一半。下一个写入命令会先把它撤销；在此之前本次校验结果不可信', en: 'a write has not finished ({journal}): it is in progress, or was interrupted by a full disk, a power cut or a kill, so files may be half written. The next writing command undoes it first; until then this result cannot be trusted' },
  'config-missing': { zh: '找不到记录库配置 djyc.yaml（请在记录库中运行，或先运行 djyc init）', en: 'no djyc.yaml found (run inside a records repository, or run djyc init first)' },
  // --- dates ---
  'date-order': { zh: '“{later}”（{laterValue}）早于“{earlier}”（{earlierValue}）', en: '"{later}" ({laterValue}) is before "{earlier}" ({earlierValue})' },
  'history-from': { zh: '历史记录写明从“{from}”转入，但上一条记录处于“{actual}”', en: 'the history entry says it moved from "{from}", but the entry above left the record at "{actual}"' },
  'history-stage': { zh: '阶段为“{stage}”，但历史记录的最后一条是“{last}”：阶段变化须记入历史（用 djyc advance 等命令办理）', en: 'the stage is "{stage}" but the last history entry is "{last}": a stage change must be recorded in the history (use djyc advance and the like)' },
  'history-order': { zh: '历史记录的日期倒序：{date} 早于上一条的 {previous}', en: 'history out of order: {date} is before the previous entry {previous}' },
  // --- programme rules ---
  'programme-missing': { zh: '方案“{id}”不存在', en: 'programme "{id}" does not exist' },
  'stage-unknown': { zh: '阶段“{stage}”不在方案“{programme}”的{track}阶段中（可用：{stages}）', en: 'stage "{stage}" is not a {track} stage of programme "{programme}" (known: {stages})' },
  'category-unknown': { zh: '项目类别“{value}”不在方案的类别中（可选：{allowed}）', en: 'category "{value}" is not one of the programme\'s categories ({allowed})' },
  'category-single': { zh: '本方案的项目类别只能选一个', en: 'this programme allows only one category' },
  'source-unknown': { zh: '项目来源“{value}”不在方案的来源中（可选：{allowed}）', en: 'source "{value}" is not one of the programme\'s sources ({allowed})' },
  'brand-name-length': { zh: '品牌名称“{name}”有 {length} 个字，方案要求一般不超过 {max} 个字', en: 'brand name "{name}" has {length} characters; the programme asks for at most {max}' },
  'duration-warn': { zh: '项目实施周期 {months} 个月{from}，一般应在 {limit} 个月以内', en: 'project runs {months} months{from}; it should normally be within {limit}' },
  'duration-max': { zh: '项目实施周期 {months} 个月{from}，最长不超过 {limit} 个月', en: 'project runs {months} months{from}; the maximum is {limit}' },
  'secretary-limit': { zh: '书记“{member}”在 {year} 年已有 {count} 个书记项目（每年 {max} 个）：{projects}', en: 'secretary "{member}" has {count} projects in {year} (at most {max}): {projects}' },
  'bonus-max': { zh: '加分 {value} 超过上限 {max} 分', en: 'bonus {value} exceeds the maximum of {max}' },
  'stars-range': { zh: '星级 {value} 不在 {min}–{max} 之间', en: 'stars {value} not within {min}–{max}' },
  'stars-criterion': { zh: '星级指标“{criterion}”不在方案指标中（可选：{allowed}）', en: 'criterion "{criterion}" is not one of the programme\'s ({allowed})' },
  'votes-sum': { zh: '各等次票数合计 {sum} 与参与测评人数 {participants} 不一致', en: 'votes add up to {sum}, but {participants} took part' },
  'member-no-task': { zh: '党员“{member}”（{org}）尚未领办任务，也没有免领记录', en: 'member "{member}" ({org}) holds no task and has no recorded exemption' },
  'commitment-no-date': { zh: '承诺书没有完成时限（complete_by），打印的{form}将留空', en: 'the commitment has no finish date (complete_by); the printed {form} would show a blank' },
  'member-no-task-org': { zh: '党员“{member}”尚未领办任务，也没有免领记录：所在党组织“{org}”尚未领办（联办）项目', en: 'member "{member}" holds no task and has no recorded exemption: the organisation "{org}" leads (joins) no project yet' },
  'org-min-projects': { zh: '党组织“{org}”领办{mode}的项目 {count} 个，方案要求至少 {min} 个', en: 'organisation "{org}" leads{mode} {count} projects; the programme requires at least {min}' },
  'brand-per-org': { zh: '党组织“{org}”有 {count} 个品牌，方案要求{range}', en: 'organisation "{org}" has {count} brands; the programme requires {range}' },
  'leader-not-secretary': { zh: '项目负责人应由领办党组织的书记“{secretary}”担任', en: 'the project leader should be the lead organisation\'s secretary "{secretary}"' },
  'programme-stage-next': { zh: '阶段“{stage}”的可转入阶段“{next}”不存在', en: 'stage "{stage}" lists unknown next stage "{next}"' },
  'programme-window': { zh: '引用的日历窗口“{window}”不存在', en: 'refers to unknown calendar window "{window}"' },
  'programme-duplicate': { zh: '编号“{id}”在{where}中重复', en: 'id "{id}" is repeated in {where}' },
  'programme-form-template': { zh: '表单模板“{template}”不存在', en: 'form template "{template}" does not exist' },
  'programme-window-order': { zh: '日历窗口“{window}”的结束早于开始', en: 'calendar window "{window}" ends before it starts' },
  // --- import (file = the imported CSV/xlsx; {where} names the sheet cell and column) ---
  'import-csv-quote': { zh: 'CSV 格式错误：引号未闭合（从此处开始的引号没有结束）', en: 'CSV error: unclosed quote (the quote opened here never closes)' },
  'import-csv-ragged': { zh: 'CSV 格式错误：这一行有 {got} 列，表头有 {expected} 列', en: 'CSV error: this row has {got} columns, the header has {expected}' },
  'import-csv-syntax': { zh: 'CSV 格式错误：{detail}', en: 'CSV error: {detail}' },
  'import-xlsx': { zh: '无法读取 Excel 文件：{detail}', en: 'cannot read the Excel file: {detail}' },
  'import-no-rows': { zh: '文件中没有数据行', en: 'the file has no data rows' },
  'import-missing-column': { zh: '缺少“{column}”列（可用的列名：{names}）', en: 'missing column "{column}" (accepted headers: {names})' },
  'import-unknown-column': { zh: '{where}不认识的列“{column}”，该列不导入', en: '{where}unknown column "{column}": not imported' },
  'import-duplicate-column': { zh: '{where}列“{column}”与第 {other} 列重复', en: '{where}column "{column}" repeats column {other}' },
  'import-required': { zh: '{where}“{column}”不能为空', en: '{where}"{column}" must not be empty' },
  'import-org-unknown': { zh: '{where}找不到党组织“{name}”（可先导入党组织，或加 --create-missing 自动新建）', en: '{where}no organisation "{name}" (import organisations first, or add --create-missing)' },
  'import-org-ambiguous': { zh: '{where}“{name}”对应多个党组织：{ids}（请改用编号）', en: '{where}"{name}" matches several organisations: {ids} (use the id)' },
  'import-member-unknown': { zh: '{where}找不到党员“{name}”', en: '{where}no member "{name}"' },
  'import-member-ambiguous': { zh: '{where}“{name}”对应多名党员：{ids}（请改用编号）', en: '{where}"{name}" matches several members: {ids} (use the id)' },
  'import-date': { zh: '{where}“{value}”不是有效日期（应为 YYYY-MM-DD，或 2017年11月30日、2017/11/30）', en: '{where}"{value}" is not a valid date (YYYY-MM-DD, 2017/11/30 or 2017年11月30日)' },
  'import-exists': { zh: '{where}{kind}“{name}”已在记录库中（{id}）', en: '{where}{kind} "{name}" already exists ({id})' },
  'import-duplicate-row': { zh: '{where}与第 {other} 行重复：“{name}”', en: '{where}repeats row {other}: "{name}"' },
  'import-invalid': { zh: '{where}{message}', en: '{where}{message}' },
  'number-duplicate': { zh: '项目编号“{number}”在本方案中重复：{others} 也使用了这个编号', en: 'project number "{number}" is used more than once in the programme: also {others}' },
  'org-parent-cycle': { zh: '上级党组织形成了循环：{chain}（党组织不能是自己的上级）', en: 'the parent organisations form a loop: {chain} (an organisation cannot be its own ancestor)' },
  'closure-before-start': { zh: '结项申请日期 {submitted} 早于项目“{project}”的开始日期 {start}', en: 'closure submitted on {submitted}, before project "{project}" started on {start}' },
  'report-before-start': { zh: '所报季度 {quarter} 在 {end} 结束，早于项目“{project}”的开始日期 {start}：执行书只报告项目开始以后的工作', en: 'the quarter {quarter} ended on {end}, before project "{project}" started on {start}: a report tells what was done after the start' },
  'report-before-quarter': { zh: '报送日期 {submitted} 早于所报季度 {quarter} 的开始（{start}）：执行书在季度开始以后才能报送', en: 'submitted on {submitted}, before the quarter {quarter} began ({start}): a report can only be submitted once its quarter has begun' },
  'report-duplicate': { zh: '{subject} 的 {quarter} 执行书重复：{others}', en: 'duplicate {quarter} report of {subject}: also {others}' },
  'subject-duplicate': { zh: '{subject} 有多份{kind}：{others}（每个项目、任务或品牌只应有一份）', en: '{subject} has more than one {kind}: also {others} (one per subject)' },
  'task-project-programme': { zh: '任务所属项目“{project}”属于方案“{other}”，与任务的方案不一致', en: 'the task\'s project "{project}" belongs to programme "{other}"' },
  // --- recorded results (domain/frozen.ts: the write path, validate --base and the hooks) ---
  frozen: { zh: '{label}已记录为“{before}”，一经记录不能更改（确需更正，请加 --correct --reason “理由”，原值保留在更正记录中）', en: '{label} was recorded as "{before}" and cannot change (to correct it, add --correct --reason "why"; the old value stays in the amendments)' },
  'frozen-amended': { zh: '{label}已更正：“{before}”→“{after}”（{date} {by}，理由：{reason}）', en: '{label} amended: "{before}" → "{after}" ({date} {by}, reason: {reason})' },
  'amendments-changed': { zh: '更正记录只能追加：第 {n} 条被改动或删除', en: 'amendments are append-only: entry {n} was changed or removed' },
  'expert-category-unknown': { zh: '专家擅长类别“{value}”不是任何方案的项目类别或通用类别（可选：{allowed}）', en: 'expert category "{value}" is neither a project category nor a general category of any programme ({allowed})' },
  'bonus-unit-not-in-project': { zh: '“{org}”不是项目 {project} 的牵头单位或联办单位，不能按单位加分', en: '"{org}" is neither the lead nor a co-organiser of project {project}: it cannot earn its bonus' },
  'carried-programme-order': { zh: '转入记录“{other}”属于方案“{programme}”（{year} 年度），不在本记录的方案之后', en: 'the carried record "{other}" belongs to programme "{programme}" ({year}), not a later round' },
  // --- pull-request checks against a base version (validate --base) ---
  'base-deleted': { zh: '记录在基准版本 {ref} 中存在，不能删除', en: 'the record exists at {ref} and must not be deleted' },
  'base-stage-move': { zh: '阶段不能从“{from}”转入“{to}”：按基准版本 {ref} 的方案，“{from}”只能转入：{allowed}', en: 'stage cannot move from "{from}" to "{to}": by the programme at {ref}, "{from}" leads only to: {allowed}' },
  'base-panel-draw': { zh: '与记录的抽取不符：按种子 {seed} 和候选名单重新抽取得到 {redrawn_zh}，记录的却是 {recorded_zh}（验收组和抽查名单须用 djyc panel / djyc recheck 抽取，不能手工改动）', en: 'not what the recorded draw gives: seed {seed} and the candidate list draw {redrawn_en}, the record names {recorded_en} (draw panels and re-check samples with djyc panel / djyc recheck; never edit them by hand)' },
  'base-panel-ineligible': { zh: '专家“{expert}”不能进入该验收组：{reason_zh}', en: 'expert "{expert}" may not sit on this panel: {reason_en}' },
  'base-stage-history': { zh: '阶段从“{from}”变为“{to}”，但历史记录中没有相应的新条目', en: 'stage changed from "{from}" to "{to}" without a matching new history entry' },
  'base-history-from': { zh: '历史记录写明从“{from}”转入，但此前记录处于“{actual}”', en: 'the history entry says it moved from "{from}", but the record was at "{actual}"' },
  'base-history-changed': { zh: '历史记录只能追加：第 {n} 条与基准版本 {ref} 中的不同', en: 'history is append-only: entry {n} differs from the one at {ref}' },
  'base-history-removed': { zh: '历史记录只能追加：基准版本 {ref} 中有 {before} 条，现在只有 {after} 条', en: 'history is append-only: {ref} has {before} entries, now there are {after}' },
  'base-schema': { zh: '按基准版本 {ref} 的 schema：{detail}', en: 'by the schema at {ref}: {detail}' },
  'base-ref': { zh: '无法读取基准版本“{ref}”：{detail}', en: 'cannot read base version "{ref}": {detail}' },
} as const;

export type MessageKey = keyof typeof messages;

export function message(lang: Lang, key: MessageKey | string, params: Record<string, string | number> = {}): string {
  const entry = (messages as Record<string, { zh: string; en: string }>)[key];
  const template = entry ? entry[lang] : key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Record kinds and field names as users see them. */
export const kindLabels: Record<string, { zh: string; en: string }> = {
  programme: { zh: '方案', en: 'programme' },
  organisation: { zh: '党组织', en: 'organisation' },
  member: { zh: '党员', en: 'member' },
  expert: { zh: '专家', en: 'expert' },
  project: { zh: '项目', en: 'project' },
  task: { zh: '任务', en: 'task' },
  commitment: { zh: '承诺书', en: 'commitment' },
  report: { zh: '执行书', en: 'report' },
  closure: { zh: '结项书', en: 'closure' },
  evaluation: { zh: '验收与评价', en: 'evaluation' },
  brand: { zh: '品牌', en: 'brand' },
  selection: { zh: '年度评选', en: 'selection' },
};

export function kindLabel(kind: string, lang: Lang): string {
  return kindLabels[kind]?.[lang] ?? kind;
}
