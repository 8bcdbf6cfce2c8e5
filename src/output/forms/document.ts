/** One printable form: its title, group and label for lists and bookmarks, and its HTML document for the PDF engine. */
import { memberName, orgName } from '../../domain/records.js';
import { formTitle, recordLabel, type FormTarget } from './targets.js';
import { buildView, type ViewContext } from './views.js';
import { formHtmlDocument } from './templates.js';
import type { FitLevel } from './html.js';

export interface FormDocument {
  target: FormTarget;
  /** Printed title (with the region when the form asks for it). */
  title: string;
  /** Annex number and title, e.g. “附件4 党组织领办项目结项书”: the group in a pack's contents. */
  group: string;
  /** Which record (and member or unit) this copy is for, e.g. “王华：牵头制定……”. */
  item: string;
  /** group：item — for bookmarks, lists and the PDF's metadata. */
  label: string;
  /** The view model the form was rendered from (the records it shows are found in it). */
  view: Record<string, unknown>;
  html: string;
}

function shorten(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** `fit`: how tightly to set a one-page form (render.ts prints a spilled one again tighter). */
export function formDocument(ctx: ViewContext, target: FormTarget, fit: FitLevel = 0): FormDocument {
  const title = formTitle(ctx.programme, target.form);
  const group = target.form.annex ? `${target.form.annex} ${title}` : title;
  const view = buildView(ctx, target);
  let item = shorten(recordLabel(ctx.index, target.record), 30);
  if (target.member) item = `${memberName(ctx.index, target.member)}：${item}`;
  if (target.unit) item = `${orgName(ctx.index, target.unit)}：${item}`;
  const label = target.record.kind === 'programme' ? group : `${group}：${item}`;
  return { target, title, group, item, label, view, html: formHtmlDocument(target.form.template, view, label, '', fit) };
}
