// How records are named on screen.
import type { Incident, Person, Source } from '../api/types';
import type { T } from '../i18n';

// A person's name for headings and links: the pseudonym when the server redacted the person,
// else the first name given (the documenter lists the main one first).
export function personName(p: Person, t: T): string {
  if (p.redacted) return p.pseudonym || p.names[0]?.value || t('person.unnamed');
  const first = p.names.find((n) => n.value.trim());
  return first ? first.value : p.pseudonym || t('person.unnamed');
}

// The other names, for a list row: "리순희 · Ri Sun-hui".
export function otherNames(p: Person): string[] {
  if (p.redacted) return [];
  return p.names.slice(1).map((n) => n.value).filter(Boolean);
}

export function incidentName(i: Incident, t: T, typeLabel: string): string {
  if (i.title.trim()) return i.title;
  return typeLabel ? `${typeLabel} (${i.start})` : t('incident.untitled');
}

export function sourceName(s: Source): string {
  return s.title || s.id;
}

export function dateRange(start: string, end: string | null): string {
  return end ? `${start} – ${end}` : start;
}

export function countText(c: { value: number; qualifier: string } | null, qualifierLabel: string): string {
  if (!c) return '';
  return c.qualifier === 'exact' ? String(c.value) : `${qualifierLabel} ${c.value}`;
}
