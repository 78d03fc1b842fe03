// Pages of the record-linkage review queue and clusters (docs/linkage.md), and their entry in the main navigation.
import type { FeatureNav, FeatureRoute } from '../types';
import { ClusterPage } from './ClusterPage';
import { PairPage } from './PairPage';
import { QueuePage } from './QueuePage';
import './review.css';

export { ClusterLink } from './ClusterPage';

export const routes: FeatureRoute[] = [
  ['/review', () => <QueuePage />],
  ['/review/pair', () => <PairPage />],
  ['/persons/:id/cluster', (p) => <ClusterPage id={p.id} />],
];

export const nav: FeatureNav[] = [{ href: '/review', key: 'review.nav' }];
