import { useEffect, useRef, type ReactNode } from 'react';
import type { Collection } from './api/types';
import { Layout } from './components/Layout';
import { FEATURE_ROUTES } from './features';
import { LoadError, Loading, PageTitle } from './components/ui';
import { useI18n } from './i18n';
import { forgetAllRecords } from './lib/records';
import { matchPath, useLocation } from './lib/router';
import { useTitle } from './lib/useTitle';
import { Dashboard } from './pages/Dashboard';
import { ActDetail, IncidentDetail, InvolvementDetail, PersonDetail, SourceDetail } from './pages/Details';
import { ActForm, IncidentForm, InvolvementForm, PersonForm, SourceForm } from './pages/Forms';
import { HistoryPage } from './pages/History';
import { IncidentList, PersonList, SourceList } from './pages/Lists';
import { SearchPage } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { ReferenceProvider, useReference } from './state/reference';
import { useSession } from './state/session';

function NotFound() {
  const { t } = useI18n();
  useTitle(t('common.not_found'));
  return (
    <>
      <PageTitle>{t('common.not_found')}</PageTitle>
      <p>{t('common.not_found_text')}</p>
    </>
  );
}

type Route = [string, (p: Record<string, string>) => ReactNode];

const COLLECTION_ROUTES: Route[] = (['persons', 'incidents', 'sources', 'acts', 'involvements'] as Collection[]).map(
  (c) => [`/${c}/:id/history`, (p) => <HistoryPage collection={c} id={p.id} />],
);

const ROUTES: Route[] = [
  ['/', () => <Dashboard />],
  ['/search', () => <SearchPage />],
  ['/persons', () => <PersonList />],
  ['/persons/new', () => <PersonForm />],
  ['/persons/:id', (p) => <PersonDetail id={p.id} />],
  ['/persons/:id/edit', (p) => <PersonForm id={p.id} />],
  ['/incidents', () => <IncidentList />],
  ['/incidents/new', () => <IncidentForm />],
  ['/incidents/:id', (p) => <IncidentDetail id={p.id} />],
  ['/incidents/:id/edit', (p) => <IncidentForm id={p.id} />],
  ['/sources', () => <SourceList />],
  ['/sources/new', () => <SourceForm />],
  ['/sources/:id', (p) => <SourceDetail id={p.id} />],
  ['/sources/:id/edit', (p) => <SourceForm id={p.id} />],
  ['/acts/new', () => <ActForm />],
  ['/acts/:id', (p) => <ActDetail id={p.id} />],
  ['/acts/:id/edit', (p) => <ActForm id={p.id} />],
  ['/involvements/new', () => <InvolvementForm />],
  ['/involvements/:id', (p) => <InvolvementDetail id={p.id} />],
  ['/involvements/:id/edit', (p) => <InvolvementForm id={p.id} />],
  ...COLLECTION_ROUTES,
  ...FEATURE_ROUTES,
];

function Routes() {
  const loc = useLocation();
  const ref = useReference();
  const first = useRef(true);
  // After a navigation, move focus to the new page's heading so keyboard and screen-reader users
  // start at the top of the new content.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const id = window.setTimeout(() => {
      const h1 = document.querySelector<HTMLElement>('#main h1');
      (h1 ?? document.getElementById('main'))?.focus({ preventScroll: true });
    }, 0);
    return () => window.clearTimeout(id);
  }, [loc.path]);
  if (ref.error) return <LoadError error={ref.error} />;
  if (!ref.ready) return <Loading />;
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, loc.path);
    // "/persons/new" must not be read as the person with id "new": literal routes come first.
    if (params && !(params.id === 'new' && !pattern.endsWith('/new'))) return <>{render(params)}</>;
  }
  return <NotFound />;
}

export function App() {
  const { status, user } = useSession();
  const userName = user?.name ?? null;
  useEffect(() => {
    forgetAllRecords();
  }, [userName]);
  if (status === 'checking') return <main id="main" className="app-main"><Loading /></main>;
  if (status === 'signed_out') return <SignIn />;
  return (
    <ReferenceProvider key={userName ?? ''}>
      <Layout>
        <Routes key={userName ?? ''} />
      </Layout>
    </ReferenceProvider>
  );
}
