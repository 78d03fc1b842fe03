import { useEffect } from 'react';

// Sets the document title, which screen readers announce after navigation.
export function useTitle(title: string | null | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · Dossier`;
  }, [title]);
}
