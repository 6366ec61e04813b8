import { describe, expect, it } from 'vitest';
import { startDjangoDevServer, startDjangoGunicorn } from '@hopscope/demo';
import type { StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { requirePrerequisites } from '../support/prerequisites';
import { DJANGO_PYTHONS, finishedTrace, hopOf as hop, hubWithTargets, viewReported } from './pythons';

/**
 * The example Django project (examples/django, instrumented by one line in its wsgi.py) under
 * `manage.py runserver --noreload` and under Gunicorn, behind a real hub and proxies: once with
 * Debian's Django 3.2, once with the current release.
 */
for (const under of DJANGO_PYTHONS) {
  const available = requirePrerequisites([under.needs]);

  describe.skipIf(!available.ok)(`Django on its dev server and Gunicorn, ${under.label}${available.note}`, () => {
    const stack = hubWithTargets(under.python, (common) => ({
      'django-dev': startDjangoDevServer({ ...common, serviceName: 'django-dev' }),
      'django-gunicorn': startDjangoGunicorn({ ...common, serviceName: 'django-gunicorn', workers: 2 }),
    }));
    const proxy = stack.proxy;

    for (const target of ['django-dev', 'django-gunicorn']) {
      it(`${target}: the route from Django's resolver, in its syntax, and the view`, async () => {
        const res = await request(`${proxy[target]}/items/3`);
        expect(JSON.parse(res.body)).toEqual({ id: 3, name: 'item 3' });
        const trace = await finishedTrace(stack.hubUrl, target, '/items/3', viewReported);
        expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
        expect(trace.route).toBe('items/<int:item_id>');
        expect(hop(trace, 'view').name).toBe('view item');
        expect(trace.stack).toBe('wsgi');
        expect(trace.error).toBeUndefined();
      });

      it(`${target}: the view's ValueError is the trace's error, with its stack, though Django answered with its own 500 page`, async () => {
        expect((await request(`${proxy[target]}/error`)).status).toBe(500);
        const trace = await finishedTrace(stack.hubUrl, target, '/error', viewReported);
        expect(trace.error).toBe('ValueError');
        expect(trace.route).toBe('error');
        expect(hop(trace, 'view').error).toMatchObject({ type: 'ValueError', message: 'no item store configured' });
        expect(hop(trace, 'view').error?.stack).toContain('raise ValueError("no item store configured")');
      });
    }

    it('404s (Http404 from the view, and no matching URL) are answers, not counted as errors', async () => {
      expect((await request(`${proxy['django-dev']}/items/0`)).status).toBe(404);
      expect((await request(`${proxy['django-dev']}/no-such-page`)).status).toBe(404);
      const raised = await finishedTrace(stack.hubUrl, 'django-dev', '/items/0', viewReported);
      const unmatched = await finishedTrace(stack.hubUrl, 'django-dev', '/no-such-page');
      for (const trace of [raised, unmatched]) {
        expect(trace.error).toBeUndefined();
        expect(trace.hops.filter((h) => h.error)).toEqual([]);
      }
      expect(unmatched.hops.map((h) => h.hop)).not.toContain('view');
      const stats = await getJson<StatsSnapshot>(`${stack.hubUrl}/api/stats?target=django-dev`);
      expect(stats.targets['django-dev']!.errors).toBe(1); // the /error above
    });
  });
}
