import { describe, expect, it } from 'vitest';
import type { AlertDraft, SubscriberInput } from '../src/features/cases/alerts/api';
import { looksLikeEmail, validateAlertDraft, validateRelease, validateSubscriber } from '../src/features/cases/alerts/logic';
import { daysFromCivil } from '../src/lib/dates';

const TODAY = daysFromCivil(2025, 3, 10);

const draft = (change: Partial<AlertDraft> = {}): AlertDraft => ({
  case_id: 'case-1', actions: ['urge_no_return'], contacts: ['prc_mfa'], respond_by: '2025-03-20', note: { en: '', ko: '' }, ...change,
});

const subscriber = (change: Partial<SubscriberInput> = {}): SubscriberInput => ({
  name: 'Partner', language: 'both', webhook_url: '', webhook_secret: '', email: '', active: true, ...change,
});

describe('alert draft checks', () => {
  it('accept a draft with an action, a contact and a date to come', () => {
    expect(validateAlertDraft(draft(), null, TODAY)).toEqual({});
  });
  it('ask for at least one action and one contact', () => {
    const p = validateAlertDraft(draft({ actions: [], contacts: [] }), null, TODAY);
    expect(p.actions?.key).toBe('cases.v_action_required');
    expect(p.contacts?.key).toBe('cases.v_contact_required');
  });
  it('let the date default to the case deadline, and ask for one when the case has none', () => {
    expect(validateAlertDraft(draft({ respond_by: null }), '2025-03-15', TODAY)).toEqual({});
    expect(validateAlertDraft(draft({ respond_by: ' ' }), null, TODAY).respond_by?.key).toBe('cases.v_respond_by_required');
  });
  it('refuse a date that has passed but accept this month', () => {
    expect(validateAlertDraft(draft({ respond_by: '2025-03-09' }), null, TODAY).respond_by?.key).toBe('cases.v_respond_by_past');
    expect(validateAlertDraft(draft({ respond_by: '2025-03' }), null, TODAY)).toEqual({});
    expect(validateAlertDraft(draft({ respond_by: '2025-3-20' }), null, TODAY).respond_by?.key).toBe('v.date_month_range');
  });
});

describe('name release checks', () => {
  it('ask who consented, on which basis and when', () => {
    const p = validateRelease({ person_ids: [], consent_by: ' ', basis: '', consented_on: '' }, TODAY);
    expect(Object.keys(p).sort()).toEqual(['basis', 'consent_by', 'consented_on']);
    expect(validateRelease({ person_ids: [], consent_by: 'her brother in Seoul', basis: 'family_consent', consented_on: '2025-03-01' }, TODAY)).toEqual({});
  });
  it('refuse a consent dated in the future', () => {
    expect(validateRelease({ person_ids: [], consent_by: 'x', basis: 'person_consent', consented_on: '2025-04' }, TODAY).consented_on?.key)
      .toBe('v.date_in_future');
  });
});

describe('subscriber checks', () => {
  it('accept a feed-only subscriber', () => {
    expect(validateSubscriber(subscriber(), false)).toEqual({});
  });
  it('take plain http webhooks only, with a secret of at least 16 bytes', () => {
    expect(validateSubscriber(subscriber({ webhook_url: 'https://example.org/hook', webhook_secret: 'x'.repeat(16) }), false).webhook_url?.key)
      .toBe('cases.v_webhook_url');
    expect(validateSubscriber(subscriber({ webhook_url: 'http://127.0.0.1:9/hook' }), false).webhook_secret?.key).toBe('cases.v_secret_required');
    expect(validateSubscriber(subscriber({ webhook_url: 'http://127.0.0.1:9/hook', webhook_secret: 'short' }), false).webhook_secret?.key)
      .toBe('cases.v_secret_short');
    expect(validateSubscriber(subscriber({ webhook_url: 'http://127.0.0.1:9/hook', webhook_secret: '비밀번호여섯자' }), false)).toEqual({});
  });
  it('keep a stored secret when none is typed on edit', () => {
    expect(validateSubscriber(subscriber({ webhook_url: 'http://127.0.0.1:9/hook' }), true)).toEqual({});
  });
  it('check e-mail addresses as the server does', () => {
    expect(looksLikeEmail('alerts@partner.org')).toBe(true);
    for (const bad of ['partner.org', '@partner.org', 'a@b@c.org', 'a b@c.org', 'a@partner', 'a@.org', 'a@partner.', '<a@b.org>']) {
      expect(looksLikeEmail(bad), bad).toBe(false);
    }
    expect(validateSubscriber(subscriber({ email: 'nope' }), false).email?.key).toBe('cases.v_email');
  });
});
