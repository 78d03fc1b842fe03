// Pages of urgent cases, interventions and urgent-action alerts (docs/cases.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';
import { CaseDetail } from './CaseDetail';
import { CaseForm } from './CaseForm';
import { CaseList } from './CaseList';
import { InterventionForm } from './InterventionForm';
import { TransitionForm } from './TransitionForm';
import './cases.css';

export const routes: FeatureRoute[] = [
  ['/cases', () => <CaseList />],
  ['/cases/new', () => <CaseForm />],
  ['/cases/:id', (p) => <CaseDetail id={p.id} />],
  ['/cases/:id/edit', (p) => <CaseForm id={p.id} />],
  ['/cases/:id/transition', (p) => <TransitionForm id={p.id} />],
  ['/cases/:id/interventions/new', (p) => <InterventionForm id={p.id} />],
  ['/cases/:id/interventions/:iid/edit', (p) => <InterventionForm id={p.id} iid={p.iid} />],
];

export const nav: FeatureNav[] = [{ href: '/cases', key: 'cases.nav' }];
