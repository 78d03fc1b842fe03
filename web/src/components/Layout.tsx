import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { LANGS, type Lang, type MessageKey } from '../i18n/messages';
import { FEATURE_NAV } from '../features';
import { Link, navigate, useLocation } from '../lib/router';
import { useSession } from '../state/session';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('nav.language')}>
      {LANGS.map((l: Lang) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l}
          className={`lang-switch__button${lang === l ? ' is-active' : ''}`} onClick={() => setLang(l)}>
          {t(`lang.${l}` as MessageKey)}
        </button>
      ))}
    </div>
  );
}

function SearchBox() {
  const { t } = useI18n();
  const loc = useLocation();
  const [q, setQ] = useState(loc.path === '/search' ? loc.query.get('q') ?? '' : '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" className="global-search" onSubmit={submit} aria-label={t('search.label')}>
      <label htmlFor="global-search" className="visually-hidden">{t('search.label')}</label>
      <input id="global-search" type="search" value={q} onChange={(e) => setQ(e.target.value)}
        placeholder={t('search.placeholder')} autoComplete="off" />
      <button type="submit" className="button button--secondary">{t('search.submit')}</button>
    </form>
  );
}

const NAV: { href: string; key: MessageKey }[] = [
  { href: '/', key: 'nav.dashboard' },
  { href: '/persons', key: 'nav.persons' },
  { href: '/incidents', key: 'nav.incidents' },
  { href: '/sources', key: 'nav.sources' },
  ...FEATURE_NAV,
];

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, signOut } = useSession();
  const loc = useLocation();
  const section = (href: string) => (href === '/' ? loc.path === '/' : loc.path === href || loc.path.startsWith(`${href}/`));
  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link href="/" className="brand">
            <span className="brand__mark" aria-hidden="true">D</span> {t('app.name')}
          </Link>
          <SearchBox />
          <div className="app-header__account">
            <LanguageSwitch />
            {user && (
              <span className="user-info">
                {t('nav.signed_in_as', { name: user.name, role: t(`role.${user.role}` as MessageKey) })}
              </span>
            )}
            <button type="button" className="button button--secondary button--small" onClick={() => void signOut()}>
              {t('nav.sign_out')}
            </button>
          </div>
        </div>
        <nav className="app-nav" aria-label={t('nav.main')}>
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={section(n.href) ? 'page' : undefined}>{t(n.key)}</Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} className="app-main">{children}</main>
      <footer className="app-footer">
        <p>{t('app.name')} · {t('app.tagline')}</p>
      </footer>
    </>
  );
}
