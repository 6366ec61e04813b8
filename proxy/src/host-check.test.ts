import { describe, expect, it } from 'vitest';
import { hostAllowed, hostPolicy } from './host-check';

describe('hostAllowed', () => {
  const local = hostPolicy('127.0.0.1', ['myapp.test']);

  it('accepts loopback names with or without a port', () => {
    for (const host of [
      'localhost',
      'localhost:8080',
      'LocalHost.',
      'app.localhost:3000',
      '127.0.0.1',
      '127.255.0.9:80',
      '[::1]',
      '[::1]:8080',
      'myapp.test:1',
      'MYAPP.TEST',
    ]) {
      expect(hostAllowed(host, local), host).toBe(true);
    }
  });

  it('refuses other names, look-alikes and malformed values', () => {
    for (const host of [
      undefined,
      '',
      'attacker.example',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      '128.0.0.1',
      '127.0.0.256',
      '[::2]',
      '[::1]x',
      'localhost:80:80',
      'myapp.test.evil',
      '::1',
    ]) {
      expect(hostAllowed(host, local), String(host)).toBe(false);
    }
  });

  it('accepts the proxy own listen address, and any Host when bound to every interface', () => {
    expect(hostAllowed('192.168.1.5:8080', hostPolicy('192.168.1.5'))).toBe(true);
    expect(hostAllowed('192.168.1.6:8080', hostPolicy('192.168.1.5'))).toBe(false);
    expect(hostAllowed('attacker.example', hostPolicy('0.0.0.0'))).toBe(true);
    expect(hostAllowed('attacker.example', hostPolicy('::'))).toBe(true);
  });

  it('answers a repeated Host as it did the first time, and remembers a bounded number of them', () => {
    const policy = hostPolicy('127.0.0.1');
    for (let round = 0; round < 2; round++) {
      expect(hostAllowed('localhost:8080', policy)).toBe(true);
      expect(hostAllowed('attacker.example', policy)).toBe(false);
    }
    for (let i = 0; i < 1000; i++) expect(hostAllowed(`rebind-${i}.example`, policy)).toBe(false);
    expect(policy.verdicts.size).toBeLessThanOrEqual(256);
    expect(hostAllowed('localhost:8080', policy)).toBe(true);
  });
});
