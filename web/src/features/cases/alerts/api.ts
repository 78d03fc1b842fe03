// Urgent-action alerts and subscribers over the HTTP API (docs/cases.md, "Urgent-action alerts"):
// shapes exactly as the server writes them, and the calls.
import { queryString, request } from '../../../api/client';

export type AlertStatus = 'draft' | 'approved' | 'withdrawn';
export type Lang2 = 'en' | 'ko';

export interface AlertDraft {
  case_id: string;
  actions: string[];
  contacts: string[];
  respond_by: string | null;
  note: { en: string; ko: string };
}

export interface AlertText {
  subject: string;
  body: string;
}

export interface NameRelease {
  person_ids: string[];
  consent_by: string;
  basis: string;
  consented_on: string;
  released_by?: string;
  released_at?: string;
}

export interface Alert extends AlertDraft {
  id: string;
  status: AlertStatus;
  respond_by: string;
  texts: Record<Lang2, AlertText>;
  persons: { id: string; pseudonym: string; name_released: boolean }[];
  release: NameRelease | null;
  composed_by: string;
  composed_at: string;
  approved_by: string;
  approved_at: string;
  withdrawn_by: string;
  withdrawn_at: string;
  withdraw_reason: string;
  delivery: { state: 'none' | 'delivering' | 'delivered'; pending: number; delivered: number; cancelled: number };
}

export interface AlertVocabulary {
  actions: { code: string; en: string; ko: string }[];
  contacts: { code: string; en: string; ko: string }[];
  bases: string[];
  languages: string[];
}

export interface DeliveryAttempt {
  at: string;
  status_code: number;
  error: string;
  next_attempt: string;
}

export interface Delivery {
  id: string;
  alert_id: string;
  subscriber_id: string;
  subscriber_name: string;
  channel: 'webhook' | 'email';
  status: 'pending' | 'delivered' | 'cancelled';
  attempts: DeliveryAttempt[];
  delivered_at: string;
  next_attempt: string;
}

export interface SubscriberInput {
  name: string;
  language: 'en' | 'ko' | 'both';
  webhook_url: string;
  webhook_secret?: string;
  email: string;
  active: boolean;
}

export interface Subscriber extends SubscriberInput {
  id: string;
  webhook_secret_set: boolean;
  feed_token: string;
  created_at: string;
}

export interface AlertPage {
  items: Alert[];
  total: number;
  limit: number;
  offset: number;
}

const enc = encodeURIComponent;

export const alertsApi = {
  list: (params: { case_id?: string; status?: string; limit?: number; offset?: number } = {}) =>
    request<AlertPage>('GET', `/alerts${queryString(params)}`),
  vocabulary: () => request<AlertVocabulary>('GET', '/alerts/vocabulary'),
  get: (id: string) => request<Alert>('GET', `/alerts/${enc(id)}`),
  compose: (d: AlertDraft) => request<Alert>('POST', '/alerts', d),
  revise: (id: string, d: AlertDraft) => request<Alert>('PUT', `/alerts/${enc(id)}`, d),
  releaseNames: (id: string, r: NameRelease) => request<Alert>('POST', `/alerts/${enc(id)}/release-names`, r),
  approve: (id: string) => request<Alert>('POST', `/alerts/${enc(id)}/approve`, {}),
  withdraw: (id: string, reason: string) => request<Alert>('POST', `/alerts/${enc(id)}/withdraw`, { reason }),
  deliveries: (id: string) => request<{ items: Delivery[] }>('GET', `/alerts/${enc(id)}/deliveries`),

  subscribers: () => request<{ items: Subscriber[] }>('GET', '/subscribers'),
  subscriber: (id: string) => request<Subscriber>('GET', `/subscribers/${enc(id)}`),
  addSubscriber: (s: SubscriberInput) => request<Subscriber>('POST', '/subscribers', s),
  updateSubscriber: (id: string, s: SubscriberInput) => request<Subscriber>('PUT', `/subscribers/${enc(id)}`, s),
  deactivateSubscriber: (id: string) => request<void>('DELETE', `/subscribers/${enc(id)}`),
};

// The draft fields of an alert, as PUT /alerts/{id} takes them.
export function draftOf(a: Alert): AlertDraft {
  return { case_id: a.case_id, actions: a.actions, contacts: a.contacts, respond_by: a.respond_by, note: a.note };
}

// The input fields of a subscriber, as PUT /subscribers/{id} takes them (the secret is left out,
// so it stays as it is unless a new one is typed).
export function subscriberInputOf(s: Subscriber): SubscriberInput {
  return { name: s.name, language: s.language, webhook_url: s.webhook_url, email: s.email, active: s.active };
}
