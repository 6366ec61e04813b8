import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '@hopscope/shared';
import { LiveInbox, NEW_TRACES_PER_DRAIN } from './live-inbox';
import { DashboardModel } from './model';
import { trace } from './test-traces';

const traceMessage = (id: string, inFlight = false) =>
  JSON.stringify({ type: 'trace', trace: trace(id, inFlight ? { inFlight: true, duration: undefined, status: undefined } : {}) });

function inboxOverModel() {
  const model = new DashboardModel();
  const applied: LiveMessage[] = [];
  const inbox = new LiveInbox(
    (message, at) => {
      applied.push(message);
      model.apply(message, at);
    },
    (id) => model.get(id) !== undefined,
  );
  return { model, applied, inbox };
}

describe('the live inbox', () => {
  it('applies nothing until drained, then every message in order', () => {
    const { model, inbox } = inboxOverModel();
    inbox.push(JSON.stringify({ type: 'hello', serverTime: 0, targets: [{ name: 'dev', upstream: 'u', proxy: 'p' }] }), 1);
    inbox.push(traceMessage('a'), 1);
    expect(model.targets).toEqual([]);
    inbox.drain();
    expect(model.targets.map((t) => t.name)).toEqual(['dev']);
    expect(model.get('a')?.inFlight).toBe(false);
  });

  it('does not apply an in-flight version that a newer one in the same frame replaces, and never leaves a request in flight', () => {
    const { applied, inbox, model } = inboxOverModel();
    inbox.push(traceMessage('a', true), 1);
    inbox.push(traceMessage('a'), 2);
    inbox.drain();
    expect(applied).toHaveLength(1);
    expect(model.get('a')?.inFlight).toBe(false);
  });

  it('takes at most the budget of new requests per frame, the newest, counts the rest, and always completes requests it shows', () => {
    const { model, inbox } = inboxOverModel();
    inbox.push(traceMessage('shown', true), 1);
    inbox.drain();
    inbox.push(traceMessage('shown'), 2);
    for (let i = 0; i < NEW_TRACES_PER_DRAIN + 40; i++) inbox.push(traceMessage(`new-${i}`), 3);
    inbox.drain();
    expect(inbox.skipped).toBe(40);
    expect(model.get('shown')?.inFlight).toBe(false);
    expect(model.get('new-0')).toBeUndefined();
    expect(model.get(`new-${NEW_TRACES_PER_DRAIN + 39}`)).toBeDefined();
  });

  it('counts what is not JSON or not a valid message and applies the rest', () => {
    const { inbox, model } = inboxOverModel();
    inbox.push('{not json', 1);
    inbox.push(JSON.stringify({ type: 'trace', trace: { traceId: 'x' } }), 1);
    inbox.push(traceMessage('b'), 1);
    inbox.drain();
    expect(inbox.invalid).toBe(2);
    expect(model.get('b')).toBeDefined();
  });
});
