import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the edcps server at /console/ under a strict CSP: no inline scripts
// (no module-preload polyfill), no external requests, no source maps in the package.
export default defineConfig(({ command }) => {
  // Always React's production build, even when a test runner (NODE_ENV=test) runs the build.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: import.meta.dirname,
    base: '/console/',
    plugins: [react()],
    build: {
      outDir: '../dist/console',
      emptyOutDir: true,
      sourcemap: false,
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 600,
      reportCompressedSize: true,
      // Quiet `npm start` (it builds first): no plugin-timing advice on a loaded machine.
      rolldownOptions: { checks: { bundlerTimings: false } },
    },
  };
});
