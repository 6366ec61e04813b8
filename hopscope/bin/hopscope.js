#!/usr/bin/env node
// The published command runs the compiled CLI in ../dist (built by build.ts when the package is packed).
// Inside the hopscope repository (this package's folder beside the cli workspace) it runs the
// TypeScript sources instead, so `npm start` and `npx hopscope` there never run a stale build.
import { existsSync } from 'node:fs';

const source = new URL('../../cli/bin/hopscope.js', import.meta.url);
await import(existsSync(new URL('../../cli/src/main.ts', import.meta.url)) ? source.href : '../dist/hopscope.js');
