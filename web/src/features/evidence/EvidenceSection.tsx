// The evidence files of one source (docs/evidence.md): the list with hashes and capture metadata,
// a download link for roles that may have the file, and an upload form for documenters and above.
// The file is sent as the request body straight from the File object, so the browser streams it
// from disk instead of reading it into memory.
import { useRef, useState, type FormEvent } from 'react';
import { api, request } from '../../api/client';
import { ApiError, parseErrorBody } from '../../api/errors';
import { canEdit } from '../../api/types';
import { errorText, Field, LoadError, Loading } from '../../components/ui';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { useAsync } from '../../lib/useAsync';
import { useSession } from '../../state/session';

export interface EvidenceItem {
  sha256: string;
  source_id: string;
  size: number;
  filename: string;
  media_type: string;
  method: string;
  acquired_at: string;
  acquired_by: string;
  acquired_from: string;
  added_at: string;
  added_by: string;
  derived_from: string | null;
  derivation: string | null;
  redacted: boolean;
  downloadable: boolean;
}

const METHODS = ['upload', 'interview_recording', 'photograph', 'scan', 'web_capture', 'device_extraction', 'email',
  'messaging_app', 'other'] as const;

function listEvidence(sourceId: string) {
  return request<{ items: EvidenceItem[]; total: number }>('GET', `/sources/${encodeURIComponent(sourceId)}/evidence?limit=500`);
}

async function uploadEvidence(sourceId: string, file: File, meta: Record<string, string>): Promise<EvidenceItem> {
  const { csrf_token: csrf } = await api.currentSession();
  const q = new URLSearchParams({ filename: file.name });
  const type = file.type.toLowerCase();
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type)) q.set('media_type', type);
  for (const [k, v] of Object.entries(meta)) if (v.trim()) q.set(k, v.trim());
  let res: Response;
  try {
    res = await fetch(`/api/v1/sources/${encodeURIComponent(sourceId)}/evidence?${q.toString()}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrf, Accept: 'application/json' },
      body: file,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: '', field: null });
  }
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, parseErrorBody(res.status, text));
  return JSON.parse(text) as EvidenceItem;
}

export function EvidenceSection({ sourceId }: { sourceId: string }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useAsync(() => listEvidence(sourceId), [sourceId, version]);
  const fileInput = useRef<HTMLInputElement>(null);
  const [method, setMethod] = useState<string>('upload');
  const [acquiredAt, setAcquiredAt] = useState('');
  const [acquiredBy, setAcquiredBy] = useState('');
  const [acquiredFrom, setAcquiredFrom] = useState('');
  const [status, setStatus] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setStatus({ kind: 'error', text: t('evidence.choose_file') });
      fileInput.current?.focus();
      return;
    }
    setBusy(true);
    setStatus({ kind: 'info', text: t('evidence.uploading', { name: file.name }) });
    try {
      const item = await uploadEvidence(sourceId, file, {
        method, acquired_at: acquiredAt, acquired_by: acquiredBy, acquired_from: acquiredFrom,
      });
      setStatus({ kind: 'info', text: t('evidence.uploaded', { name: file.name, sha: item.sha256 }) });
      if (fileInput.current) fileInput.current.value = '';
      setVersion((v) => v + 1);
    } catch (err) {
      setStatus({ kind: 'error', text: t('evidence.failed', { reason: errorText(t, err) }) });
    } finally {
      setBusy(false);
    }
  };

  const number = new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-GB');
  return (
    <section className="panel" aria-labelledby="source-evidence">
      <h2 id="source-evidence">{t('evidence.section')}</h2>
      <p className="muted">{t('evidence.intro')}</p>
      {loading && <Loading />}
      {error ? <LoadError error={error} /> : null}
      {data && data.items.length === 0 && <p>{t('evidence.none')}</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table className="records" aria-labelledby="source-evidence">
            <thead><tr>
              <th scope="col">{t('evidence.col_file')}</th><th scope="col">{t('evidence.col_type')}</th>
              <th scope="col">{t('evidence.col_size')}</th><th scope="col">{t('evidence.col_sha')}</th>
              <th scope="col">{t('evidence.col_acquired')}</th><th scope="col">{t('evidence.col_download')}</th>
            </tr></thead>
            <tbody>
              {data.items.map((item) => {
                const name = item.filename || t('evidence.unnamed');
                return (
                  <tr key={item.sha256}>
                    <td>
                      {name}
                      {item.derived_from && (
                        <div className="muted">{t('evidence.copy_of', { derivation: item.derivation ?? '', sha: item.derived_from.slice(0, 12) })}</div>
                      )}
                    </td>
                    <td>{item.media_type}</td>
                    <td>{t('evidence.bytes', { n: number.format(item.size) })}</td>
                    <td><code className="mono evidence-sha">{item.sha256}</code></td>
                    <td>
                      {[item.acquired_at, t(`evidence.method.${item.method}` as MessageKey), item.acquired_by, item.acquired_from]
                        .filter(Boolean).join(' · ')}
                    </td>
                    <td>
                      {item.downloadable
                        ? <a href={`/api/v1/evidence/${item.sha256}`} download={item.filename || item.sha256}
                            aria-label={t('evidence.download', { name })}>{t('evidence.col_download')}</a>
                        : <span className="muted">{t('evidence.not_downloadable')}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canEdit(user?.role) && (
        <form onSubmit={submit} noValidate>
          <fieldset disabled={busy}>
            <legend>{t('evidence.upload_legend')}</legend>
            <Field path="evidence.file" label={t('evidence.file')} hint={t('evidence.file_hint')} required>
              {(control) => <input type="file" ref={fileInput} {...control} />}
            </Field>
            <Field path="evidence.method" label={t('evidence.method')}>
              {(control) => (
                <select {...control} value={method} onChange={(e) => setMethod(e.target.value)}>
                  {METHODS.map((m) => <option key={m} value={m}>{t(`evidence.method.${m}` as MessageKey)}</option>)}
                </select>
              )}
            </Field>
            <Field path="evidence.acquired_at" label={t('evidence.acquired_at')} hint={t('evidence.acquired_at_hint')}>
              {(control) => <input type="text" {...control} value={acquiredAt} onChange={(e) => setAcquiredAt(e.target.value)} />}
            </Field>
            <Field path="evidence.acquired_by" label={t('evidence.acquired_by')} hint={t('evidence.sealed_hint')}>
              {(control) => <input type="text" {...control} value={acquiredBy} onChange={(e) => setAcquiredBy(e.target.value)} />}
            </Field>
            <Field path="evidence.acquired_from" label={t('evidence.acquired_from')} hint={t('evidence.sealed_hint')}>
              {(control) => <input type="text" {...control} value={acquiredFrom} onChange={(e) => setAcquiredFrom(e.target.value)} />}
            </Field>
            <button type="submit" className="button">{t('evidence.upload')}</button>
          </fieldset>
        </form>
      )}
      <p role="status" aria-live="polite" className={status?.kind === 'error' ? 'field__error' : undefined}>{status?.text ?? ''}</p>
    </section>
  );
}
