// Pages of multiple systems estimation (docs/estimation.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';

export const routes: FeatureRoute[] = [];

export const nav: FeatureNav[] = [];
