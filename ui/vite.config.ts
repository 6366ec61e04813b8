import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { conditions: ['hopscope-source'] },
  build: { outDir: 'dist', emptyOutDir: true },
});
