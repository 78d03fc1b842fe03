// Pages of the evidence vault, ingestion and source text search, and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';
import { IngestPage, IngestSourcePage } from './ingestPages';
import { SourceSearchPage } from './searchPage';

export const routes: FeatureRoute[] = [
  ['/ingest', () => <IngestPage />],
  ['/ingest/sources/:id', (p) => <IngestSourcePage id={p.id} />],
  ['/source-search', () => <SourceSearchPage />],
];

export const nav: FeatureNav[] = [
  { href: '/ingest', key: 'evidence.ingest_nav' },
  { href: '/source-search', key: 'evidence.search_nav' },
];
