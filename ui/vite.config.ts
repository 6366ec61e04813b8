import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: './',
  resolve: { conditions: ['hopscope-source'] },
  build: { outDir: 'dist', emptyOutDir: true },
});
