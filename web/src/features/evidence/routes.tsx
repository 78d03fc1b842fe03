// Pages of the evidence vault, ingestion and source text search, and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';

export const routes: FeatureRoute[] = [];

export const nav: FeatureNav[] = [];
