import { z } from 'zod';

/**
 * In a browser, zod parses without compiling code: its JIT probes `new
 * Function`, which the dashboard's Content-Security-Policy (no
 * 'unsafe-eval') blocks and reports as a violation even though zod catches
 * it. The flag is read when a schema is built, so this module is imported
 * first, by index.ts, before any schema exists. Node keeps the JIT.
 */
if ('document' in globalThis) z.config({ jitless: true });
