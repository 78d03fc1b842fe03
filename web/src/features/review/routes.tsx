// Pages of the record-linkage review queue and clusters (docs/linkage.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';

export const routes: FeatureRoute[] = [];

export const nav: FeatureNav[] = [];
