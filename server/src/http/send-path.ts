import { HubError } from '../errors';

/** Control bytes, and a backslash, which WHATWG URL parsing reads as "/" in http: URLs. */
const FORBIDDEN_RAW = /[\u0000-\u001f\u007f\\]/;
/** The same, percent-encoded: %00–%1F, %7F, %5C. */
const FORBIDDEN_ENCODED = /%(?:[01][0-9a-f]|7f|5c)/i;

/**
 * The origin-form request target (RFC 9112 §3.2.1) that /api/send sends to a
 * target's proxy, taken from the raw request URL after `/api/send/<target>`.
 * The host and port never come from here (send.ts takes them from the
 * proxy's URL); this refuses anything a later parser could still read as
 * another authority, so the path stays a path all the way to the app.
 */
export function sendPath(rawUrl: string, target: string): string {
  const prefix = '/api/send/';
  const afterPrefix = rawUrl.slice(prefix.length);
  const slash = afterPrefix.indexOf('/');
  const segment = slash < 0 ? afterPrefix : afterPrefix.slice(0, slash);
  // The router decoded the target; the path must start right after the segment it came from.
  if (slash < 0 || safeDecode(segment) !== target) throw badPath('the target segment does not match the target');
  const path = afterPrefix.slice(slash);
  // "//" (or "/%2F") reads as an authority in a relative reference (RFC 3986 §4.2), and "/.//x" becomes one once
  // dot segments are removed: no "//" anywhere in the path, however spelled.
  const pathPart = path.split('?')[0]!;
  if (pathPart.replace(/%2f/gi, '/').includes('//')) throw badPath('the path holds "//"');
  if (FORBIDDEN_RAW.test(path) || FORBIDDEN_ENCODED.test(path)) throw badPath('the path holds a backslash or a control character');
  return path;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function badPath(detail: string): HubError {
  return new HubError('HOPSCOPE_HUB_SEND_BAD_PATH', detail);
}
