import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { canEdit, type Incident, type Person, type Source } from '../api/types';
import { ListFilters, PAGE_SIZE, useListQuery } from '../components/ListFilters';
import { Field, LoadError, Loading, PageTitle, Pagination, RestrictedBadge, SensitivityBadge } from '../components/ui';
import { useI18n } from '../i18n';
import { dateRange, incidentName, otherNames, personName } from '../lib/display';
import { Link, recordPath } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { useTitle } from '../lib/useTitle';
import { useReference } from '../state/reference';
import { useSession } from '../state/session';

function filterParams(get: (k: string) => string, keys: string[]) {
  const out: Record<string, string> = {};
  for (const k of keys) if (get(k)) out[k] = get(k);
  return out;
}

export function PersonRow({ p }: { p: Person }) {
  const { t } = useI18n();
  const ref = useReference();
  const others = otherNames(p);
  return (
    <tr>
      <th scope="row">
        <Link href={recordPath('persons', p.id)}>{personName(p, t)}</Link>
        {p.redacted && <> <RestrictedBadge /></>}
        {others.length > 0 && <div className="muted small">{others.join(' · ')}</div>}
      </th>
      <td>{ref.label('sexes', p.sex)}</td>
      <td>{p.birth_date ?? ''}</td>
      <td>{ref.placeLabel(p.origin)}</td>
      <td>{ref.label('counting_units', p.unit)}</td>
      <td><SensitivityBadge value={p.sensitivity} /></td>
    </tr>
  );
}

function PersonTable({ persons }: { persons: Person[] }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="records">
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('person.sex')}</th>
            <th scope="col">{t('person.birth_date')}</th>
            <th scope="col">{t('person.origin')}</th>
            <th scope="col">{t('person.unit')}</th>
            <th scope="col">{t('common.sensitivity')}</th>
          </tr>
        </thead>
        <tbody>{persons.map((p) => <PersonRow key={p.id} p={p} />)}</tbody>
      </table>
    </div>
  );
}

export function PersonList() {
  const { t } = useI18n();
  const { user } = useSession();
  const lq = useListQuery();
  useTitle(t('person.list_title'));
  const q = lq.get('q');
  const params = filterParams(lq.get, ['place']);
  const [name, setName] = useState(q);
  const list = useAsync(
    () => (q ? api.search(q, 50).then((r) => ({ items: r.items.map((h) => h.person), total: r.items.length, limit: 50, offset: 0 }))
      : api.list('persons', { ...params, limit: PAGE_SIZE, offset: lq.offset })),
    [q, JSON.stringify(params), lq.offset],
  );
  const searchName = (e: FormEvent) => {
    e.preventDefault();
    lq.set({ q: name.trim(), offset: null });
  };
  return (
    <>
      <PageTitle actions={canEdit(user?.role) && <Link className="button" href="/persons/new">{t('person.new')}</Link>}>
        {t('person.list_title')}
      </PageTitle>
      <form className="filters filters--search" role="search" onSubmit={searchName} aria-label={t('person.search_names')}>
        <Field path="person-name-search" label={t('person.search_names')} hint={t('search.hint')}>
          {(c) => (
            <div className="inline-controls">
              <input {...c} type="search" value={name} onChange={(e) => setName(e.target.value)} />
              <button type="submit" className="button">{t('search.submit')}</button>
              {q && <button type="button" className="button button--secondary" onClick={() => { setName(''); lq.set({ q: null }); }}>{t('common.clear_filters')}</button>}
            </div>
          )}
        </Field>
      </form>
      {!q && <ListFilters spec={{ place: t('person.filter_origin') }} />}
      <section aria-live="polite" aria-busy={list.loading}>
        {list.loading && <Loading />}
        {!!list.error && <LoadError error={list.error} />}
        {list.data && (list.data.items.length === 0 ? <p>{q ? t('search.none', { q }) : t('common.empty')}</p> : (
          <>
            <PersonTable persons={list.data.items} />
            {!q && <Pagination total={list.data.total} limit={PAGE_SIZE} offset={lq.offset} onPage={(o) => lq.set({ offset: o || null })} />}
          </>
        ))}
      </section>
    </>
  );
}

export function IncidentTable({ incidents }: { incidents: Incident[] }) {
  const { t } = useI18n();
  const ref = useReference();
  return (
    <div className="table-wrap">
      <table className="records">
        <thead>
          <tr>
            <th scope="col">{t('incident.title')}</th>
            <th scope="col">{t('incident.type')}</th>
            <th scope="col">{t('incident.when')}</th>
            <th scope="col">{t('incident.place')}</th>
            <th scope="col">{t('common.sensitivity')}</th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((i) => (
            <tr key={i.id}>
              <th scope="row"><Link href={recordPath('incidents', i.id)}>{incidentName(i, t, ref.label('incident_types', i.type))}</Link></th>
              <td>{ref.label('incident_types', i.type)}</td>
              <td>{dateRange(i.start, i.end)}</td>
              <td>{ref.placeLabel(i.place)}</td>
              <td><SensitivityBadge value={i.sensitivity} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function IncidentList() {
  const { t } = useI18n();
  const { user } = useSession();
  const lq = useListQuery();
  useTitle(t('incident.list_title'));
  const params = filterParams(lq.get, ['type', 'place', 'year_from', 'year_to']);
  const list = useAsync(() => api.list('incidents', { ...params, limit: PAGE_SIZE, offset: lq.offset }), [JSON.stringify(params), lq.offset]);
  return (
    <>
      <PageTitle actions={canEdit(user?.role) && <Link className="button" href="/incidents/new">{t('incident.new')}</Link>}>
        {t('incident.list_title')}
      </PageTitle>
      <ListFilters spec={{ type: 'incident_types', typeLabel: t('incident.type'), place: t('incident.place'), years: true }} />
      <section aria-live="polite" aria-busy={list.loading}>
        {list.loading && <Loading />}
        {!!list.error && <LoadError error={list.error} />}
        {list.data && (list.data.items.length === 0 ? <p>{t('common.empty')}</p> : (
          <>
            <IncidentTable incidents={list.data.items} />
            <Pagination total={list.data.total} limit={PAGE_SIZE} offset={lq.offset} onPage={(o) => lq.set({ offset: o || null })} />
          </>
        ))}
      </section>
    </>
  );
}

export function SourceTable({ sources }: { sources: Source[] }) {
  const { t } = useI18n();
  const ref = useReference();
  return (
    <div className="table-wrap">
      <table className="records">
        <thead>
          <tr>
            <th scope="col">{t('source.title')}</th>
            <th scope="col">{t('source.kind')}</th>
            <th scope="col">{t('source.date')}</th>
            <th scope="col">{t('source.publisher')}</th>
            <th scope="col">{t('source.reliability')}</th>
            <th scope="col">{t('common.sensitivity')}</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr key={s.id}>
              <th scope="row"><Link href={recordPath('sources', s.id)}>{s.title || s.id}</Link></th>
              <td>{ref.label('source_kinds', s.kind)}</td>
              <td>{s.date ?? ''}</td>
              <td>{s.publisher}</td>
              <td>{ref.label('reliability', s.reliability)}</td>
              <td><SensitivityBadge value={s.sensitivity} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SourceList() {
  const { t } = useI18n();
  const { user } = useSession();
  const lq = useListQuery();
  useTitle(t('source.list_title'));
  const params = filterParams(lq.get, ['type']);
  const list = useAsync(() => api.list('sources', { ...params, limit: PAGE_SIZE, offset: lq.offset }), [JSON.stringify(params), lq.offset]);
  return (
    <>
      <PageTitle actions={canEdit(user?.role) && <Link className="button" href="/sources/new">{t('source.new')}</Link>}>
        {t('source.list_title')}
      </PageTitle>
      <ListFilters spec={{ type: 'source_kinds', typeLabel: t('source.kind') }} />
      <section aria-live="polite" aria-busy={list.loading}>
        {list.loading && <Loading />}
        {!!list.error && <LoadError error={list.error} />}
        {list.data && (list.data.items.length === 0 ? <p>{t('common.empty')}</p> : (
          <>
            <SourceTable sources={list.data.items} />
            <Pagination total={list.data.total} limit={PAGE_SIZE} offset={lq.offset} onPage={(o) => lq.set({ offset: o || null })} />
          </>
        ))}
      </section>
    </>
  );
}
