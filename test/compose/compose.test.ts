import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPTIONS } from '@hopscope/cli';

// No Docker engine runs here: check that the compose file agrees with the CLI, the example app and docs/python.md.
const root = new URL('../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as {
  services: Record<
    string,
    {
      build?: string;
      image?: string;
      command?: string[];
      environment?: Record<string, string>;
      ports?: string[];
      profiles?: string[];
      working_dir?: string;
    }
  >;
};
const pythonDoc = readFileSync(new URL('docs/python.md', root), 'utf8');
const gunicornConf = readFileSync(new URL('examples/flask/gunicorn.conf.py', root), 'utf8');
const appPy = readFileSync(new URL('examples/flask/app.py', root), 'utf8');

describe('docker-compose.yml', () => {
  const { hopscope, 'flask-dev': dev, gunicorn, jaeger } = compose.services;

  it('has the services docs/python.md describes', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['flask-dev', 'gunicorn', 'hopscope', 'jaeger']);
    expect(jaeger!.profiles).toEqual(['jaeger']);
    expect(pythonDoc).toContain('docker compose up');
    expect(pythonDoc).toContain('--profile jaeger');
  });

  it('hopscope runs `up` with flags and variables the CLI really has, targets pointing at the app services', () => {
    expect(hopscope!.build).toBe('.');
    const command = hopscope!.command!;
    expect(command[0]).toBe('up');
    const flags = command.filter((part) => part.startsWith('--')).map((part) => part.slice(2));
    for (const flag of flags) expect(OPTIONS.map((o) => o.flag)).toContain(flag);
    expect(command).toContain('flask-dev=http://flask-dev:5000');
    expect(command).toContain('gunicorn=http://gunicorn:8000');
    const envs = OPTIONS.map((o) => o.env).filter(Boolean);
    for (const name of Object.keys(hopscope!.environment!).filter((n) => n.startsWith('HOPSCOPE_'))) expect(envs).toContain(name);
    // Binding 0.0.0.0 in the container needs a token; the published ports stay on the host's loopback.
    expect(hopscope!.environment!.HOPSCOPE_TOKEN).toBeTruthy();
    for (const port of hopscope!.ports!) expect(port).toMatch(/^127\.0\.0\.1:/);
    expect(hopscope!.ports!.map((p) => p.split(':').at(-1))).toEqual(['4000', '4318', '8080', '8081']);
  });

  it('the app services run the example app the way its own files expect, exporting to the hub', () => {
    expect(dev!.environment!.PORT).toBe('5000');
    expect(appPy).toContain('os.environ.get("PORT"');
    expect(dev!.command!.join(' ')).toContain('python app.py');
    expect(gunicorn!.environment!.BIND).toBe('0.0.0.0:8000');
    expect(gunicornConf).toContain('os.environ.get("BIND"');
    expect(gunicornConf).toContain('GUNICORN_WORKERS');
    expect(gunicorn!.command!.join(' ')).toContain('gunicorn -c gunicorn.conf.py app:app');
    for (const service of [dev!, gunicorn!]) {
      expect(service.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://hopscope:4318');
      expect(service.working_dir).toBe('/app/examples/flask');
    }
  });
});
