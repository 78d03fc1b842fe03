// Filters and pagination of the record lists live in the URL, so a filtered list can be bookmarked
// and the Back button returns to it.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { navigate, useLocation } from '../lib/router';
import { Field, PlaceSelect, VocabSelect } from './ui';

export const PAGE_SIZE = 25;

export function useListQuery() {
  const loc = useLocation();
  const get = (k: string) => loc.query.get(k) ?? '';
  const offset = Math.max(0, Number(get('offset')) || 0);
  const set = (changes: Record<string, string | number | null>) => {
    const q = new URLSearchParams(loc.query);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') q.delete(k);
      else q.set(k, String(v));
    }
    const s = q.toString();
    navigate(`${loc.path}${s ? `?${s}` : ''}`);
  };
  return { get, offset, set, query: loc.query };
}

export interface FilterSpec {
  type?: string; // vocabulary of the "type" filter
  typeLabel?: string;
  place?: string; // label of the place filter
  years?: boolean;
}

export function ListFilters({ spec, extra }: { spec: FilterSpec; extra?: ReactNode }) {
  const { t } = useI18n();
  const lq = useListQuery();
  const [type, setType] = useState(lq.get('type'));
  const [place, setPlace] = useState(lq.get('place'));
  const [yearFrom, setYearFrom] = useState(lq.get('year_from'));
  const [yearTo, setYearTo] = useState(lq.get('year_to'));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    lq.set({ type, place, year_from: yearFrom.trim(), year_to: yearTo.trim(), offset: null });
  };
  const clear = () => {
    setType('');
    setPlace('');
    setYearFrom('');
    setYearTo('');
    lq.set({ type: null, place: null, year_from: null, year_to: null, offset: null });
  };
  const active = ['type', 'place', 'year_from', 'year_to'].some((k) => lq.get(k));
  return (
    <form className="filters" onSubmit={apply} aria-label={t('common.filters')}>
      {extra}
      {spec.type && (
        <Field path="filter-type" label={spec.typeLabel ?? t('common.type')}>
          {(c) => <VocabSelect vocabulary={spec.type!} value={type} onChange={setType} control={c} allowEmpty emptyLabel={t('common.any')} />}
        </Field>
      )}
      {spec.place && (
        <Field path="filter-place" label={spec.place}>
          {(c) => <PlaceSelect value={place} onChange={setPlace} control={c} emptyLabel={t('common.any')} />}
        </Field>
      )}
      {spec.years && (
        <>
          <Field path="filter-year-from" label={t('common.year_from')}>
            {(c) => <input {...c} inputMode="numeric" pattern="[0-9]{4}" maxLength={4} className="input--year" value={yearFrom} onChange={(e) => setYearFrom(e.target.value)} />}
          </Field>
          <Field path="filter-year-to" label={t('common.year_to')}>
            {(c) => <input {...c} inputMode="numeric" pattern="[0-9]{4}" maxLength={4} className="input--year" value={yearTo} onChange={(e) => setYearTo(e.target.value)} />}
          </Field>
        </>
      )}
      <div className="filters__buttons">
        <button type="submit" className="button">{t('common.apply_filters')}</button>
        {active && <button type="button" className="button button--secondary" onClick={clear}>{t('common.clear_filters')}</button>}
      </div>
    </form>
  );
}
