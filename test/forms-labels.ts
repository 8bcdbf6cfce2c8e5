// The labels of each official form in the seeds' order (附件 number, title, field labels, notes), shared by the PDF
// tests (forms.test.ts) and the Word tests (forms-docx*.test.ts): the seeds and ../shared/domain.md are the authority.

export const squash = (s: string): string => s.replace(/\s+/g, '');

/** Each label found after the previous one (whitespace ignored); returns the missing or out-of-order label. */
export function firstOutOfOrder(text: string, labels: string[]): string | undefined {
  const t = squash(text);
  let at = 0;
  for (const l of labels) {
    const i = t.indexOf(squash(l), at);
    if (i < 0) return l;
    at = i + squash(l).length;
  }
  return undefined;
}

const FOUR = ['好', '较好', '一般', '较差'];
export const LABELS: Record<string, string[]> = {
  'shuangling-apply': ['附件1', '“双领一创”项目申报表', '申报单位（盖章）：', '单位主要负责人（签字）：', '项目名称', '项目类别', '联系人', '联系电话', '理由依据', '注：项目类别栏内容可以多选；依据性文件材料作为附件报送。'],
  'org-commitment': ['附件2', '党组织领办项目承诺书', '为深入开展“不忘初心 牢记使命”主题教育', '结合本单位工作实际', '领办以下', '项工作：', '1．', '我单位将树立领跑标准，强化领跑意识，以领跑实效完成领办的项目。', '承诺单位：'],
  'member-commitment': ['附件3', '党员领办任务承诺书', '作为', '结合本单位领办项目工作实际，我自愿领办以下', '项工作：', '1．', '我将亲自谋划、亲自部署、亲自推动，确保', '前完成领办的工作。', '承诺人：'],
  'shuangling-project-closure': ['附件4', '党组织领办项目结项书', '申报单位（盖章）：', '单位主要负责人（签字）：', '项目名称', '联系人', '联系电话', '取得成效', '党委（党组）意见', '验收组意见', '注：印证性文件材料作为附件报送。'],
  'shuangling-task-closure': ['附件5', '党员领办任务结项书', '申报人', '行政职务', '党内职务', '任务内容', '完成质效', '支委会意见', ...FOUR, '盖章（签名）：', '群众测评', '参与测评人数', '好：', '票；较好：', '票；一般：', '票；较差：', '票', '党委（党组）意见', ...FOUR, '盖章（签名）：'],
  'brand-apply': ['创建单位', '品牌名称', '联系人', '联系电话', '品牌内涵', '品牌标识', '取得成效', '基层党组织意见', '（盖章）', '党委（党组）意见', '（盖章）', '评审组意见', '签名：'],
  'project-report': ['领办党组织（盖章）：', '填报日期：', '项目名称', '项目编号', '项目负责人', '报告期', '进展情况', '存在问题', '下步打算', '责任人（签字）', '联系电话'],
  'task-report': ['党员领办任务执行书', '所在党组织：', '填报日期：', '任务内容', '所属项目', '领办党员', '完成时限', '报告期', '进展情况', '存在问题', '下步打算', '责任人（签字）', '联系电话'],
  'dangjian-apply': ['附件1', '基层党建创新课题项目申报表', '申报单位：', '（章）', '项目名称', '项目负责人', '姓名', '职务', '项目组成员及职务', '姓名', '职务', '创新目标', '创新内容', '创新措施', '党支部审签意见', '签字（章）：', '所在单位党委审核评定意见', '签字（章）：', '注：此表一式两份，报一份，留存一份。'],
  'dangjian-plan': ['附件2', '基层党建创新课题项目实施方案', '一、项目名称：', '二、项目负责人及项目组：', '三、目标要求：', '四、主要措施：', '五、完成时限：'],
  'summary-report': ['项目名称', '承办党组织', '项目负责人', '项目编号', '实施期限', '一、项目实施情况', '二、取得成效', '三、自评情况', '承办党组织（盖章）：'],
  'zutuan-task-list': ['附1：', '2017年度组团式创新重点项目任务分解清单', '序号', '项目名称', '项目内容及目标要求', '牵头单位', '申报参与单位'],
  'zutuan-apply': ['附2：', '2017年度组团式创新重点项目申报表', '申报单位（盖章）：', '项目名称', '项目类别', '申报类型', '牵头领办', '申报联办', '牵头单位'],
  'shuji-apply': ['附件', '基层党建“书记项目”立项书', '党组织（盖章）：', '项目名称', '党组织书记', '联系电话', '项目类别', '实施周期', '可行性分析', '主要内容', '主要目标', '进度安排', '推进措施', '审核意见', '（盖章）'],
};

/** Labels the forms stack over several lines (one character per line, or two or three short lines). */
export const STACKED = new Set(['理由依据', '创新措施', '党委（党组）意见', '验收组意见', '基层党组织意见', '党支部审签意见', '所在单位党委审核评定意见', '项目组成员及职务', '责任人（签字）', '项目内容及目标要求', '单位党组织意见', '申报参与单位']);
