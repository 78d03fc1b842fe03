// Pages of urgent cases, interventions and urgent-action alerts (docs/cases.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';

export const routes: FeatureRoute[] = [];

export const nav: FeatureNav[] = [];
