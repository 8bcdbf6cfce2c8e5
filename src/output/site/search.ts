/** The site's search: an index of every page's entries, read by a few lines of script (the page works without it). */
import { summary } from '../../domain/records.js';
import { SiteData, type PageContext } from './data.js';

export interface SearchEntry {
  title: string;
  url: string;
  kind: string;
  extra: string;
  task?: boolean;
}

export function searchEntries(d: SiteData): SearchEntry[] {
  const out: SearchEntry[] = [];
  if (d.pages.projectPages) {
    for (const pr of d.projects) {
      out.push({ title: pr.title, url: d.link('project', pr.id)!, kind: d.tr('项目', 'project'), extra: [pr.number, pr.lead?.name, pr.categories.join('、')].filter(Boolean).join(' ') });
    }
  }
  for (const c of d.ledger.coverage) {
    const o = summary(d.index.get('organisation', c.organisation.id)!);
    out.push({ title: d.orgName(o.id), url: d.link('organisation', o.id)!, kind: d.tr('党组织', 'organisation'), extra: o.short_name ? o.name : (o.unit ?? '') });
  }
  if (d.pages.brands) {
    for (const b of d.ledger.brands) out.push({ title: b.name, url: d.link('brand', b.id)!, kind: d.tr('品牌', 'brand'), extra: b.organisation.name });
  }
  if (d.pub.claims && d.pages.projectPages) {
    for (const t of d.tasks) {
      const url = d.link('project', t.project);
      if (url) out.push({ title: t.content, url, kind: d.tr('任务', 'task'), extra: `${t.members.map((m) => m.name).join('、')} ${t.projectTitle}`, task: true });
    }
  }
  return out;
}

export function searchPage(d: SiteData, entries: SearchEntry[]): PageContext {
  return {
    title: d.t.search,
    page: 'search',
    root: '',
    heading: d.tr('站内搜索', 'Search'),
    sub: d.tr('输入项目名称、党组织或品牌中的字词', 'Type a word of a project, organisation or brand'),
    entries: {
      head: [d.tr('类别', 'kind'), d.tr('名称', 'name'), d.tr('说明', 'details')],
      // Tasks are searchable, but the page's own index (for JavaScript off) lists projects, organisations, brands.
      rows: entries.filter((e) => !e.task).map((e) => ({ cells: [{ text: e.kind, cls: 'nowrap' }, { text: e.title, href: e.url }, { text: e.extra }] })),
      empty: d.tr('尚无内容。', 'Nothing yet.'),
    },
  };
}

/** JSON for a <script>: no `</script>`, no U+2028/2029 line terminators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
