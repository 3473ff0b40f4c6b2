import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The panel is its own build: `vite build --config web/vite.config.ts` writes web/dist,
// which `registerPanel` (src/http/panel.ts) serves at `/`.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `vite --config web/vite.config.ts` during development: the API runs on `serve`'s port.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
