// The list of urgent cases: status filter and "overdue only" in the URL, risk, officer, next
// deadline and an overdue marker on every row.
import { useState, type FormEvent } from 'react';
import type { Person } from '../../api/types';
import { PAGE_SIZE, useListQuery } from '../../components/ListFilters';
import { Field, LoadError, Loading, PageTitle, Pagination } from '../../components/ui';
import { useI18n } from '../../i18n';
import { fetchRecords } from '../../lib/records';
import { Link } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../../state/session';
import { canManageCases, casesApi, STATUSES, type CaseFile, type OverdueReason } from './api';
import { CasePersons, casePath, OverdueBadge, RiskBadge, StatusBadge, statusLabel } from './bits';

interface ListView {
  items: CaseFile[];
  total: number;
  overdue: Map<string, OverdueReason[]>;
  persons: Map<string, Person | null>;
}

async function loadList(status: string, overdueOnly: boolean, offset: number): Promise<ListView> {
  const od = await casesApi.overdue();
  const overdue = new Map(od.items.map((x) => [x.case.id, x.overdue]));
  let items: CaseFile[];
  let total: number;
  if (overdueOnly) {
    const all = od.items.map((x) => x.case).filter((c) => !status || c.status === status);
    total = all.length;
    items = all.slice(offset, offset + PAGE_SIZE);
  } else {
    const page = await casesApi.list({ status, limit: PAGE_SIZE, offset });
    items = page.items;
    total = page.total;
  }
  const persons = await fetchRecords('persons', items.flatMap((c) => c.person_ids));
  return { items, total, overdue, persons };
}

export function CaseTable({ cases, overdue, persons, caption }: {
  cases: CaseFile[];
  overdue: Map<string, OverdueReason[]>;
  persons: Map<string, Person | null> | undefined;
  caption?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="records case-table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('cases.case')}</th>
            <th scope="col">{t('cases.persons')}</th>
            <th scope="col">{t('cases.status')}</th>
            <th scope="col">{t('cases.risk')}</th>
            <th scope="col">{t('cases.officer')}</th>
            <th scope="col">{t('cases.next_deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => {
            const late = overdue.get(c.id) ?? [];
            return (
              <tr key={c.id} className={late.length > 0 ? 'case-row--overdue' : undefined}>
                <th scope="row">
                  <Link href={casePath(c.id)}>{c.title || c.id}</Link>
                  {late.length > 0 && <> <OverdueBadge /></>}
                  <div className="muted small mono">{c.id}</div>
                </th>
                <td><CasePersons c={c} persons={persons} /></td>
                <td><StatusBadge status={c.status} /></td>
                <td><RiskBadge risk={c.risk} /></td>
                <td>{c.officer || <span className="muted">{t('cases.unassigned')}</span>}</td>
                <td>
                  {c.next_deadline ?? <span className="muted">{t('common.none')}</span>}
                  {late.some((r) => r.what === 'deadline') && <div className="case-overdue-text">{t('cases.deadline_passed')}</div>}
                  {late.some((r) => r.what === 'follow_up') && <div className="case-overdue-text">{t('cases.follow_up_overdue')}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function CaseList() {
  const { t } = useI18n();
  const { user } = useSession();
  const lq = useListQuery();
  useTitle(t('cases.list_title'));
  const status = lq.get('status');
  const overdueOnly = lq.get('overdue') === '1';
  const [statusChoice, setStatusChoice] = useState(status);
  const [overdueChoice, setOverdueChoice] = useState(overdueOnly);
  const list = useAsync(() => loadList(status, overdueOnly, lq.offset), [status, overdueOnly, lq.offset]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    lq.set({ status: statusChoice, overdue: overdueChoice ? '1' : null, offset: null });
  };
  const clear = () => {
    setStatusChoice('');
    setOverdueChoice(false);
    lq.set({ status: null, overdue: null, offset: null });
  };
  return (
    <>
      <PageTitle actions={canManageCases(user?.role) && <Link className="button" href="/cases/new">{t('cases.new')}</Link>}>
        {t('cases.list_title')}
      </PageTitle>
      <p>{t('cases.list_intro')}</p>
      <form className="filters" onSubmit={apply} aria-label={t('common.filters')}>
        <Field path="filter-status" label={t('cases.status')}>
          {(c) => (
            <select {...c} value={statusChoice} onChange={(e) => setStatusChoice(e.target.value)}>
              <option value="">{t('common.any')}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{statusLabel(t, s)}</option>)}
            </select>
          )}
        </Field>
        <div className="field checkbox case-filter-overdue">
          <input type="checkbox" id="filter-overdue" checked={overdueChoice} onChange={(e) => setOverdueChoice(e.target.checked)} />
          <label htmlFor="filter-overdue">{t('cases.only_overdue')}</label>
        </div>
        <div className="filters__buttons">
          <button type="submit" className="button">{t('common.apply_filters')}</button>
          {(status || overdueOnly) && <button type="button" className="button button--secondary" onClick={clear}>{t('common.clear_filters')}</button>}
        </div>
      </form>
      <section aria-live="polite" aria-busy={list.loading}>
        {list.loading && <Loading />}
        {!!list.error && <LoadError error={list.error} />}
        {list.data && (list.data.items.length === 0 ? <p>{t('cases.none')}</p> : (
          <>
            <CaseTable cases={list.data.items} overdue={list.data.overdue} persons={list.data.persons} />
            <Pagination total={list.data.total} limit={PAGE_SIZE} offset={lq.offset} onPage={(o) => lq.set({ offset: o || null })} />
          </>
        ))}
      </section>
    </>
  );
}
