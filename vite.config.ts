/**
 * The agent console (src/web) → dist/web, served by src/http/static-web.ts.
 * `npx vite` serves it on :5173 in development, proxying the API and socket.io to a local server
 * (SUNLINE_PORT, default 8080).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = `http://127.0.0.1:${process.env['SUNLINE_PORT'] ?? '8080'}`;

export default defineConfig({
  root: 'src/web',
  base: '/',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
