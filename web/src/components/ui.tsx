// Small building blocks shared by the pages: labelled fields with their errors, alerts,
// vocabulary and place pickers, pagination, badges.
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/errors';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { useReference } from '../state/reference';

export function fieldDomId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'aria-required'?: boolean;
}

export function Field({
  path, label, hint, error, required, children, className,
}: {
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const { t } = useI18n();
  const id = fieldDomId(path);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span className="field__required"> ({t('common.required')})</span>}
      </label>
      {hint && <p id={`${id}-hint`} className="field__hint">{hint}</p>}
      {children({
        id,
        'aria-describedby': described || undefined,
        'aria-invalid': error ? true : undefined,
        'aria-required': required || undefined,
      })}
      {error && (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">{label}: </span>
          {error}
        </p>
      )}
    </div>
  );
}

// A group of controls (checkboxes, a name's parts) with one legend and one error.
export function FieldGroup({
  path, legend, hint, error, children, className,
}: {
  path: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: ReactNode;
}) {
  const id = fieldDomId(path);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <fieldset
      id={id}
      tabIndex={-1}
      className={`fieldgroup${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}
      aria-describedby={described || undefined}
    >
      <legend>{legend}</legend>
      {hint && <p id={`${id}-hint`} className="field__hint">{hint}</p>}
      {children}
      {error && <p id={`${id}-error`} className="field__error">{error}</p>}
    </fieldset>
  );
}

// The list of problems at the top of a form; focused when a save fails so a screen reader reads it.
export function ErrorSummary({ errors, formError, labels, attempt }: {
  errors: Record<string, string>;
  formError: string | null;
  labels: (path: string) => string;
  attempt: number; // increases with every failed save; focus moves here once per failure
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors);
  const visible = entries.length > 0 || !!formError;
  useEffect(() => {
    if (attempt > 0) ref.current?.focus();
  }, [attempt]);
  return (
    <div ref={ref} tabIndex={-1} role="alert" aria-live="assertive" className={visible ? 'alert alert--error' : 'visually-hidden'}>
      {formError && <p>{formError}</p>}
      {entries.length > 0 && (
        <>
          <p>{t('err.form_has_errors', { count: entries.length })}</p>
          <ul>
            {entries.map(([path, message]) => (
              <li key={path}>
                <a
                  href={`#${fieldDomId(path)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    const el = document.getElementById(fieldDomId(path));
                    el?.focus();
                    el?.scrollIntoView({ block: 'center' });
                  }}
                >
                  {labels(path)}: {message}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p className="loading" role="status">{t('common.loading')}</p>;
}

export function errorText(t: (k: MessageKey) => string, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `err.${err.code}` as MessageKey;
    const base = t(key) === key ? t('err.unknown') : t(key);
    return err.code === 'not_found' || !err.message ? base : `${base} (${err.message})`;
  }
  return t('err.unknown');
}

export function LoadError({ error }: { error: unknown }) {
  const { t } = useI18n();
  return <div className="alert alert--error" role="alert">{errorText(t, error)}</div>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <div className="alert alert--info" role="status">{children}</div>;
}

export function RestrictedBadge() {
  const { t } = useI18n();
  return <span className="badge badge--restricted">{t('common.restricted')}</span>;
}

export function SensitivityBadge({ value }: { value: string }) {
  const ref = useReference();
  return <span className={`badge badge--${value}`}>{ref.label('sensitivities', value)}</span>;
}

export function VocabSelect({ vocabulary, value, onChange, control, allowEmpty, emptyLabel }: {
  vocabulary: string;
  value: string;
  onChange: (v: string) => void;
  control: ControlProps;
  allowEmpty?: boolean;
  emptyLabel?: string;
}) {
  const { t } = useI18n();
  const ref = useReference();
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      {(allowEmpty || !value) && <option value="">{emptyLabel ?? t('common.choose')}</option>}
      {ref.terms(vocabulary).map((term) => (
        <option key={term.code} value={term.code}>{ref.label(vocabulary, term.code)}</option>
      ))}
    </select>
  );
}

export function PlaceSelect({ value, onChange, control, emptyLabel }: {
  value: string;
  onChange: (v: string) => void;
  control: ControlProps;
  emptyLabel?: string;
}) {
  const { t } = useI18n();
  const ref = useReference();
  const countries = ref.placeOptions.filter((p) => p.depth === 0);
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{emptyLabel ?? t('common.none')}</option>
      {countries.map((c) => (
        <optgroup key={c.code} label={c.label}>
          {ref.placeOptions
            .filter((p) => p.country === c.code)
            .map((p) => (
              <option key={p.code} value={p.code}>
                {'\u00a0\u00a0'.repeat(p.depth)}
                {p.label}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

export function CheckboxGroup({ path, legend, vocabulary, values, onChange, error, hint }: {
  path: string;
  legend: ReactNode;
  vocabulary: string;
  values: string[];
  onChange: (v: string[]) => void;
  error?: string;
  hint?: ReactNode;
}) {
  const ref = useReference();
  const id = fieldDomId(path);
  return (
    <FieldGroup path={path} legend={legend} error={error} hint={hint}>
      <div className="checkboxes">
        {ref.terms(vocabulary).map((term) => (
          <div className="checkbox" key={term.code}>
            <input
              type="checkbox"
              id={`${id}-${term.code}`}
              checked={values.includes(term.code)}
              onChange={(e) =>
                onChange(e.target.checked ? [...values, term.code] : values.filter((v) => v !== term.code))
              }
            />
            <label htmlFor={`${id}-${term.code}`}>{ref.label(vocabulary, term.code)}</label>
          </div>
        ))}
      </div>
    </FieldGroup>
  );
}

export function Pagination({ total, limit, offset, onPage }: {
  total: number;
  limit: number;
  offset: number;
  onPage: (offset: number) => void;
}) {
  const { t } = useI18n();
  if (total === 0) return null;
  const from = offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav className="pagination" aria-label={t('common.pagination')}>
      <button type="button" className="button button--secondary" disabled={offset === 0}
        onClick={() => onPage(Math.max(0, offset - limit))}>
        ← {t('common.previous')}
      </button>
      <p className="pagination__status" aria-live="polite">{t('common.showing', { from, to, total })}</p>
      <button type="button" className="button button--secondary" disabled={to >= total}
        onClick={() => onPage(offset + limit)}>
        {t('common.next')} →
      </button>
    </nav>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1 tabIndex={-1}>{children}</h1>
      {actions && <div className="page-title__actions">{actions}</div>}
    </div>
  );
}
