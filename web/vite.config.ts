/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The built app is served by `dossier serve` at "/" under a strict Content-Security-Policy
// (script-src 'self'; style-src 'self'): everything must be external files, nothing inline.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The polyfill would be bundled, not inlined, but modern Chromium/Firefox/Safari need none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a locally running `dossier serve --listen 127.0.0.1:8080`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
