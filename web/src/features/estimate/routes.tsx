// Pages of multiple systems estimation (docs/estimation.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';
import { EstimatePage } from './EstimatePage';
import './estimate.css';

export const routes: FeatureRoute[] = [['/estimates', () => <EstimatePage />]];

export const nav: FeatureNav[] = [{ href: '/estimates', key: 'estimate.nav' }];
