import { badTarget } from './errors';

export interface TargetSpec {
  name: string;
  url: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Parses `NAME=URL` as given to `--target`; throws a CliError saying what is wrong. */
export function parseTargetSpec(spec: string): TargetSpec {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw badTarget(spec, 'it has no NAME= in front of the URL');
  const name = spec.slice(0, eq);
  const rawUrl = spec.slice(eq + 1);
  if (!NAME.test(name)) throw badTarget(spec, 'the name may use letters, digits, "-", "_" and "." only');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw badTarget(spec, `"${rawUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:') throw badTarget(spec, `only http:// targets are supported, not ${url.protocol}//`);
  if (url.username || url.password) throw badTarget(spec, 'credentials in the URL are not supported');
  if (url.search || url.hash) throw badTarget(spec, 'the URL may have a base path but no query or fragment');
  return { name, url: url.href.replace(/\/$/, '') };
}

/** Parses every `--target`, refusing duplicate names. */
export function parseTargetSpecs(specs: readonly string[]): TargetSpec[] {
  const targets = specs.map(parseTargetSpec);
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.name)) throw badTarget(`${target.name}=${target.url}`, `the name "${target.name}" is used twice`);
    seen.add(target.name);
  }
  return targets;
}
