import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/errors';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../components/Layout';
import { errorText } from '../components/ui';
import { useSession } from '../state/session';

export function SignIn() {
  const { t } = useI18n();
  const { signIn, notice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<{ username?: boolean; password?: boolean }>({});
  const userRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t('signin.title')} · Dossier`;
  }, [t]);
  useEffect(() => {
    userRef.current?.focus();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const m = { username: !username.trim(), password: !password };
    setMissing(m);
    if (m.username || m.password) {
      setError(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password, totp.trim() || undefined);
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError && err.code === 'too_many_requests') {
        setError(t('signin.throttled', { seconds: err.retryAfter ?? 60 }));
      } else if (err instanceof ApiError && (err.code === 'unauthenticated' || err.status === 401)) {
        setError(t('signin.failed'));
      } else if (err instanceof ApiError && err.code !== 'network') {
        setError(errorText(t, err));
      } else {
        setError(t('err.network'));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <header className="signin__header">
        <p className="brand">
          <span className="brand__mark" aria-hidden="true">D</span> {t('app.name')}
          <span className="brand__tagline">{t('app.tagline')}</span>
        </p>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1} className="signin__main">
        <h1>{t('signin.title')}</h1>
        <p className="muted">{t('signin.intro')}</p>
        {notice && <div className="alert alert--info" role="status">{t(notice)}</div>}
        <div role="alert" aria-live="assertive" className={error ? 'alert alert--error' : 'visually-hidden'}>
          {error}
        </div>
        <form onSubmit={submit} noValidate className="form signin__form">
          <div className={`field${missing.username ? ' field--invalid' : ''}`}>
            <label htmlFor="signin-username">{t('signin.username')}</label>
            <input ref={userRef} id="signin-username" name="username" autoComplete="username" value={username}
              aria-invalid={missing.username || undefined} aria-required
              aria-describedby={missing.username ? 'signin-username-error' : undefined}
              onChange={(e) => setUsername(e.target.value)} />
            {missing.username && <p id="signin-username-error" className="field__error">{t('v.required')}</p>}
          </div>
          <div className={`field${missing.password ? ' field--invalid' : ''}`}>
            <label htmlFor="signin-password">{t('signin.password')}</label>
            <input id="signin-password" name="password" type="password" autoComplete="current-password" value={password}
              aria-invalid={missing.password || undefined} aria-required
              aria-describedby={missing.password ? 'signin-password-error' : undefined}
              onChange={(e) => setPassword(e.target.value)} />
            {missing.password && <p id="signin-password-error" className="field__error">{t('v.required')}</p>}
          </div>
          <div className="field">
            <label htmlFor="signin-totp">{t('signin.totp')}</label>
            <p id="signin-totp-hint" className="field__hint">{t('signin.totp_hint')}</p>
            <input id="signin-totp" name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*"
              maxLength={8} value={totp} aria-describedby="signin-totp-hint" onChange={(e) => setTotp(e.target.value)}
              className="input--short" />
          </div>
          <button type="submit" className="button" disabled={busy}>{busy ? t('signin.busy') : t('signin.submit')}</button>
        </form>
      </main>
    </div>
  );
}
