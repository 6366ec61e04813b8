import { describe, expect, it } from 'vitest';
import { exceptionFrames, MAX_FRAMES } from './frames';

describe('exceptionFrames: innermost frame first, one line each', () => {
  it('reverses a Python traceback (most recent call last) and keeps each frame’s source line', () => {
    const stack = [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/dist-packages/flask/app.py", line 1823, in full_dispatch_request',
      '    rv = self.dispatch_request()',
      '  File "/srv/app.py", line 12, in boom',
      '    return 1 / 0',
      '           ~~^~~',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(exceptionFrames(stack)).toEqual([
      'boom (/srv/app.py:12) — return 1 / 0',
      'full_dispatch_request (/usr/lib/python3/dist-packages/flask/app.py:1823) — rv = self.dispatch_request()',
    ]);
  });

  it('reads only the traceback that escaped from a chained Python exception', () => {
    const stack = [
      'Traceback (most recent call last):',
      '  File "/srv/db.py", line 3, in get',
      'KeyError: 7',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/srv/app.py", line 9, in item',
      'LookupError: no item 7',
    ].join('\n');
    expect(exceptionFrames(stack)).toEqual(['item (/srv/app.py:9)']);
  });

  it('keeps a JavaScript stack’s order (already innermost first) without its message line', () => {
    const stack =
      'RangeError: boom\n    at handler (/app/routes.js:10:11)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)';
    expect(exceptionFrames(stack)).toEqual([
      'at handler (/app/routes.js:10:11)',
      'at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)',
    ]);
  });

  it('anything else: its non-empty lines, bounded', () => {
    expect(exceptionFrames('one\n\ntwo')).toEqual(['one', 'two']);
    expect(exceptionFrames(Array.from({ length: 500 }, (_, i) => `    at f${i} (x.js:1:1)`).join('\n'))).toHaveLength(MAX_FRAMES);
  });
});
