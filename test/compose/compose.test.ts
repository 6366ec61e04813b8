import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPTIONS } from '@hopscope/cli';

// No Docker engine (nor `docker compose`) runs here: check that the compose file agrees with the CLI, the example
// app, docs/python.md and docs/deploy.md, and holds itself to the rules below (healthchecks, conditions, pins).
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Service {
  build?: string | { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  profiles?: string[];
  working_dir?: string;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
}
// Compose files use YAML merge keys (`<<: *anchor`), as Docker Compose reads them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const pythonDoc = read('docs/python.md');
const deployDoc = read('docs/deploy.md');
const gunicornConf = read('examples/flask/gunicorn.conf.py');
const appPy = read('examples/flask/app.py');

/** FROM lines of a Dockerfile, with ARG defaults substituted. */
function fromImages(dockerfile: string): Array<{ image: string; stage?: string }> {
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\w+))?$/gm)].map((m) => ({
    image: m[1]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''),
    stage: m[2],
  }));
}

/** An image pinned to an exact release (x.y.z) or by digest: never `latest`, never a moving major tag. */
const PINNED = /^[\w./-]+:(\d+\.\d+\.\d+[\w.-]*)(@sha256:[0-9a-f]{64})?$|^[\w./-]+@sha256:[0-9a-f]{64}$/;

describe('docker-compose.yml', () => {
  const { hopscope, 'flask-dev': dev, gunicorn, jaeger, 'otel-collector': collector } = services;

  it('has the services docs/python.md and docs/deploy.md describe', () => {
    expect(Object.keys(services).sort()).toEqual(['flask-dev', 'gunicorn', 'hopscope', 'jaeger', 'otel-collector']);
    expect(jaeger!.profiles).toEqual(['jaeger', 'collector']);
    expect(collector!.profiles).toEqual(['collector']);
    expect(pythonDoc).toContain('docker compose up');
    expect(pythonDoc).toContain('--profile jaeger');
    expect(deployDoc).toContain('APPS_OTLP_ENDPOINT=http://otel-collector:4318 docker compose --profile collector up');
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
    for (const service of Object.values(services)) for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    expect(hopscope!.ports!.map((p) => p.split(':').at(-1))).toEqual(['4000', '4318', '8080', '8081']);
  });

  it('the app services run the example app from its pinned image, the way its own files expect, exporting to the hub', () => {
    expect(dev!.environment!.PORT).toBe('5000');
    expect(appPy).toContain('os.environ.get("PORT"');
    expect(dev!.command!.join(' ')).toBe('python app.py');
    expect(gunicorn!.environment!.BIND).toBe('0.0.0.0:8000');
    expect(gunicornConf).toContain('os.environ.get("BIND"');
    expect(gunicornConf).toContain('GUNICORN_WORKERS');
    expect(gunicorn!.command!.join(' ')).toBe('gunicorn -c gunicorn.conf.py app:app');
    for (const service of [dev!, gunicorn!]) {
      // hopscope's OTLP port unless the collector profile points the apps at the Collector.
      expect(service.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('${APPS_OTLP_ENDPOINT:-http://hopscope:4318}');
      expect(service.environment!.OTEL_EXPORTER_OTLP_HEADERS).toBe('authorization=Bearer%20${HOPSCOPE_TOKEN:-hopscope}');
      expect(service.build).toEqual({ context: '.', dockerfile: 'examples/flask/Dockerfile' });
      // Nothing installed at start: the image has it all.
      expect(service.command!.join(' ')).not.toMatch(/pip|install/);
    }
  });

  it('every service with a port has a healthcheck; what waits, waits for healthy where it can', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.ports) expect(service.healthcheck, `${name} publishes ports`).toBeDefined();
      for (const [needed, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(Object.keys(services), `${name} depends on ${needed}`).toContain(needed);
        // service_started only for what cannot say it is healthy (the Collector's image has no shell, no client).
        expect(condition, `${name} → ${needed}`).toBe(services[needed]!.healthcheck ? 'service_healthy' : 'service_started');
      }
    }
    // The apps start once hopscope's proxies and receivers are up; the Collector once hopscope and Jaeger are.
    for (const app of [dev!, gunicorn!]) expect(app.depends_on!.hopscope!.condition).toBe('service_healthy');
    expect(Object.keys(collector!.depends_on!).sort()).toEqual(['hopscope', 'jaeger']);
    // A dependency on a service of another profile must be optional, or the default `docker compose up` fails.
    for (const [name, service] of Object.entries(services)) {
      for (const [needed, dependency] of Object.entries(service.depends_on ?? {})) {
        // A service without profiles always runs; one with profiles runs only with one of them.
        const neededProfiles = services[needed]!.profiles;
        const always =
          !neededProfiles || ((service.profiles ?? []).every((p) => neededProfiles.includes(p)) && service.profiles !== undefined);
        if (!always) expect(dependency.required, `${name} → ${needed}`).toBe(false);
      }
    }
  });

  it("hopscope's healthcheck asks /healthz on its dashboard port, as the image's HEALTHCHECK does", () => {
    const probe = hopscope!.healthcheck!.test.join(' ');
    expect(probe).toContain(`http://127.0.0.1:${hopscope!.environment!.HOPSCOPE_PORT}/healthz`);
    expect(read('Dockerfile')).toMatch(/^HEALTHCHECK .*\n\s+CMD .*\/healthz/m);
    for (const app of [dev!, gunicorn!]) {
      const port = app === dev ? app.environment!.PORT : app.environment!.BIND!.split(':')[1];
      expect(app.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${port}/`);
    }
  });

  it('pulls only pinned images: Jaeger of the v2 line, the Collector by digest', () => {
    for (const [name, service] of Object.entries(services))
      if (service.image && !service.build) expect(service.image, name).toMatch(PINNED);
    expect(jaeger!.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(collector!.image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });
});

describe('Dockerfile (hopscope)', () => {
  const dockerfile = read('Dockerfile');
  const stages = fromImages(dockerfile);
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('is multi-stage on one pinned Node LTS image, installs production dependencies only, runs as non-root', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const { image } of stages) expect(image).toMatch(/^node:(22|24)\.\d+\.\d+-bookworm-slim$/);
    expect(final).toMatch(/--omit=dev/);
    expect(final).toMatch(/COPY --from=build /);
    const user = /^USER (\S+)$/m.exec(final)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    // The user is set before the entrypoint runs.
    expect(final.indexOf('USER ')).toBeLessThan(final.indexOf('ENTRYPOINT'));
  });
});

describe('examples/flask/Dockerfile', () => {
  const dockerfile = read('examples/flask/Dockerfile');

  it('a pinned Python image with pinned requirements, the instrumentation installed, run as non-root', () => {
    expect(fromImages(dockerfile).map((s) => s.image)).toEqual([expect.stringMatching(/^python:3\.\d+\.\d+-slim-bookworm$/)]);
    const requirements = read('examples/flask/requirements.txt')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));
    for (const line of requirements) expect(line).toMatch(/^[\w.-]+==\d[\w.]*$/);
    expect(requirements.map((l) => l.split('==')[0]!.toLowerCase())).toEqual(expect.arrayContaining(['flask', 'gunicorn', 'sqlalchemy']));
    expect(dockerfile).toMatch(/pip install .*-r \/tmp\/requirements\.txt/);
    expect(dockerfile).toMatch(/COPY integrations\/wsgi /);
    const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
    expect(['root', '0', undefined]).not.toContain(user);
  });
});

describe('examples/collector/otel-collector.yaml (the collector profile)', () => {
  const mount = services['otel-collector']!.volumes!.find((v) => v.includes('otel-collector.yaml'))!;
  const configPath = mount.split(':')[0]!.replace(/^\.\//, '');
  const config = parse(read(configPath)) as {
    receivers: Record<string, { protocols: Record<string, { endpoint: string }> }>;
    processors: Record<string, unknown>;
    exporters: Record<string, { endpoint: string; headers?: Record<string, string> }>;
    extensions: Record<string, unknown>;
    service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
  };

  it('is the file compose mounts, where the Collector reads its configuration', () => {
    expect(existsSync(new URL(configPath, root))).toBe(true);
    expect(mount.split(':')[1]).toBe('/etc/otelcol-contrib/config.yaml');
    expect(services['otel-collector']!.command).toEqual(['--config=/etc/otelcol-contrib/config.yaml']);
  });

  it('takes OTLP where the apps send it and fans traces out to hopscope (with its token) and to Jaeger', () => {
    // The apps' endpoint in the collector profile (APPS_OTLP_ENDPOINT in deploy.md) is the receiver's HTTP port.
    expect(config.receivers.otlp!.protocols.http!.endpoint).toBe('0.0.0.0:4318');
    expect(services['otel-collector']!.expose).toContain('4318');
    const traces = config.service.pipelines.traces!;
    const targets = traces.exporters.map((name) => config.exporters[name]!.endpoint);
    const hubOtlpPort = services.hopscope!.environment!.HOPSCOPE_OTLP_PORT;
    expect(targets).toEqual(expect.arrayContaining([`http://hopscope:${hubOtlpPort}`, 'http://jaeger:4318']));
    const toHub = traces.exporters.find((name) => config.exporters[name]!.endpoint.startsWith('http://hopscope:'))!;
    expect(config.exporters[toHub]!.headers).toEqual({ authorization: 'Bearer ${env:HOPSCOPE_TOKEN}' });
    expect(services['otel-collector']!.environment!.HOPSCOPE_TOKEN).toBe(services.hopscope!.environment!.HOPSCOPE_TOKEN);
    // Every exporter is otlphttp (hopscope's receiver and Jaeger v2 both take OTLP/HTTP).
    for (const name of Object.keys(config.exporters)) expect(name.split('/')[0]).toBe('otlphttp');
  });

  it('names only components it defines, memory_limiter first', () => {
    for (const pipeline of Object.values(config.service.pipelines)) {
      for (const name of pipeline.receivers) expect(config.receivers).toHaveProperty([name]);
      for (const name of pipeline.processors) expect(config.processors).toHaveProperty([name]);
      for (const name of pipeline.exporters) expect(config.exporters).toHaveProperty([name]);
      expect(pipeline.processors[0]).toBe('memory_limiter');
    }
    for (const name of config.service.extensions) expect(config.extensions).toHaveProperty([name]);
  });
});
