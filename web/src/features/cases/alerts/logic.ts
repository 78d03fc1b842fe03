// Client-side checks of the alert, name-release and subscriber forms, after the server's rules in
// src/cases/alerts.cpp (the server checks again). Unit-tested in web/test/cases_alerts.test.ts.
import { latestDay, parsePartialDate, todayDays } from '../../../lib/dates';
import { checkDate, DATE_PROBLEM_KEYS, type Problems } from '../../../lib/validate';
import type { AlertDraft, NameRelease, SubscriberInput } from './api';

export function validateAlertDraft(d: AlertDraft, caseDeadline: string | null, today: number = todayDays()): Problems {
  const out: Problems = {};
  if (d.actions.length === 0) out.actions = { key: 'cases.v_action_required' };
  if (d.contacts.length === 0) out.contacts = { key: 'cases.v_contact_required' };
  const by = d.respond_by?.trim() ?? '';
  if (!by) {
    if (!caseDeadline) out.respond_by = { key: 'cases.v_respond_by_required' };
  } else {
    const r = parsePartialDate(by);
    if (!r.ok) out.respond_by = { key: DATE_PROBLEM_KEYS[r.problem] };
    else if (latestDay(r.date) < today) out.respond_by = { key: 'cases.v_respond_by_past' };
  }
  return out;
}

export function validateRelease(r: NameRelease, today?: number): Problems {
  const out: Problems = {};
  if (!r.consent_by.trim()) out.consent_by = { key: 'v.required' };
  if (!r.basis) out.basis = { key: 'v.required' };
  checkDate('consented_on', r.consented_on, out, true, today);
  return out;
}

// The server's LooksLikeEmail: one "@" not first, no spaces, control characters or <>,; and a
// dot in the domain that is neither its first nor its last character.
export function looksLikeEmail(s: string): boolean {
  const at = s.indexOf('@');
  if (at <= 0 || s.indexOf('@', at + 1) !== -1 || s.length > 254) return false;
  if ([...s].some((ch) => ch <= ' ' || '<>,;'.includes(ch))) return false;
  const domain = s.slice(at + 1);
  const dot = domain.indexOf('.');
  return dot > 0 && dot + 1 < domain.length;
}

export function validateSubscriber(s: SubscriberInput, secretStored: boolean): Problems {
  const out: Problems = {};
  if (!s.name.trim()) out.name = { key: 'v.required' };
  if (!s.language) out.language = { key: 'v.required' };
  const url = s.webhook_url.trim();
  if (url && (!url.startsWith('http://') || url.length < 8 || /\s/.test(url))) out.webhook_url = { key: 'cases.v_webhook_url' };
  const secret = s.webhook_secret ?? '';
  if (url && !secret && !secretStored) out.webhook_secret = { key: 'cases.v_secret_required' };
  else if (secret && new TextEncoder().encode(secret).length < 16) out.webhook_secret = { key: 'cases.v_secret_short' };
  if (s.email.trim() && !looksLikeEmail(s.email.trim())) out.email = { key: 'cases.v_email' };
  return out;
}
