// Pages of reports and UN submissions (docs/reports.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';
import { ReportsPage } from './ReportsPage';
import './reports.css';

export const routes: FeatureRoute[] = [['/reports', () => <ReportsPage />]];

export const nav: FeatureNav[] = [{ href: '/reports', key: 'reports.nav' }];
