// Every feature's pages and navigation entries, in the order they appear in the menu.
import * as cases from './cases/routes';
import * as evidence from './evidence/routes';
import * as estimate from './estimate/routes';
import * as reports from './reports/routes';
import * as review from './review/routes';
import type { FeatureNav, FeatureRoute } from './types';

const FEATURES = [cases, review, estimate, evidence, reports];

export const FEATURE_ROUTES: FeatureRoute[] = FEATURES.flatMap((f) => f.routes);
export const FEATURE_NAV: FeatureNav[] = FEATURES.flatMap((f) => f.nav);
