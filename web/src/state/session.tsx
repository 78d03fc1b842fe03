// Who is signed in. The session itself is the HttpOnly cookie; here we keep the user and hand the
// CSRF token to the API client.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import type { SessionInfo } from '../api/types';
import type { MessageKey } from '../i18n/messages';

type Status = 'checking' | 'signed_out' | 'signed_in';

interface SessionState {
  status: Status;
  user: SessionInfo['user'] | null;
  notice: MessageKey | null; // why the sign-in page is shown (signed out, session expired)
  signIn: (username: string, password: string, totp?: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('checking');
  const [user, setUser] = useState<SessionInfo['user'] | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);

  const accept = useCallback((s: SessionInfo) => {
    setCsrfToken(s.csrf_token);
    setUser(s.user);
    setNotice(null);
    setStatus('signed_in');
  }, []);

  const drop = useCallback((why: MessageKey | null) => {
    setCsrfToken(null);
    setUser(null);
    setNotice(why);
    setStatus('signed_out');
  }, []);

  useEffect(() => {
    api.currentSession().then(accept, () => drop(null));
    setUnauthenticatedHandler(() => drop('signin.expired'));
    return () => setUnauthenticatedHandler(null);
  }, [accept, drop]);

  const signIn = useCallback(
    async (username: string, password: string, totp?: string) => {
      accept(await api.signIn(username, password, totp));
    },
    [accept],
  );

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      drop('signin.signed_out');
    }
  }, [drop]);

  const value = useMemo(() => ({ status, user, notice, signIn, signOut }), [status, user, notice, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
