// Pages of urgent cases, interventions and urgent-action alerts (docs/cases.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';
import { CaseDetail } from './CaseDetail';
import { CaseForm } from './CaseForm';
import { CaseList } from './CaseList';
import { InterventionForm } from './InterventionForm';
import { TransitionForm } from './TransitionForm';
import { AlertForm } from './alerts/AlertForm';
import { AlertList } from './alerts/AlertList';
import { AlertPage } from './alerts/AlertPage';
import { SubscriberForm, SubscriberList } from './alerts/Subscribers';
import './cases.css';

export const routes: FeatureRoute[] = [
  ['/cases', () => <CaseList />],
  ['/cases/new', () => <CaseForm />],
  ['/cases/:id', (p) => <CaseDetail id={p.id} />],
  ['/cases/:id/edit', (p) => <CaseForm id={p.id} />],
  ['/cases/:id/transition', (p) => <TransitionForm id={p.id} />],
  ['/cases/:id/interventions/new', (p) => <InterventionForm id={p.id} />],
  ['/cases/:id/interventions/:iid/edit', (p) => <InterventionForm id={p.id} iid={p.iid} />],
  ['/cases/:id/alerts/new', (p) => <AlertForm caseId={p.id} />],
  // Literal paths before "/alerts/:aid", which would otherwise take "subscribers" for an alert id.
  ['/alerts', () => <AlertList />],
  ['/alerts/subscribers', () => <SubscriberList />],
  ['/alerts/subscribers/new', () => <SubscriberForm />],
  ['/alerts/subscribers/:sid/edit', (p) => <SubscriberForm id={p.sid} />],
  ['/alerts/:aid', (p) => <AlertPage id={p.aid} />],
  ['/alerts/:aid/edit', (p) => <AlertForm alertId={p.aid} />],
];

export const nav: FeatureNav[] = [
  { href: '/cases', key: 'cases.nav' },
  { href: '/alerts', key: 'cases.nav_alerts' },
];
