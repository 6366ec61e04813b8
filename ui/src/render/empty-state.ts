import { select } from 'd3';
import type { TargetInfo } from '@hopscope/shared';

/**
 * What a newcomer sees before the first request: where to send traffic —
 * each target's proxy URL and a `curl` to copy — since the dashboard only
 * shows what goes through those proxies. Hidden once requests arrive.
 */
export function renderEmptyState(section: HTMLElement, targets: TargetInfo[], empty: boolean): void {
  const show = empty && targets.length > 0;
  if (section.hidden === show) section.hidden = !show;
  const key = targets.map((t) => `${t.name} ${t.proxy}`).join('\n');
  if (!show || section.dataset.targets === key) return;
  section.dataset.targets = key;
  const root = select(section);
  root.selectAll('*').remove();
  root.append('h2').text('No requests yet: send some through hopscope');
  root
    .append('p')
    .attr('class', 'hint')
    .text("Each target's proxy forwards to your app and traces the request on the way; use these URLs instead of the app's own.");
  const rows = root
    .append('ul')
    .attr('class', 'empty-targets')
    .selectAll('li')
    .data(targets)
    .join('li')
    .attr('data-testid', 'empty-target')
    .attr('data-target', (d) => d.name);
  rows.append('strong').text((d) => d.name);
  rows
    .append('span')
    .attr('class', 'hint')
    .text((d) => (d.upstream ? ` → ${d.upstream}` : ''));
  const command = rows.append('div').attr('class', 'curl-line');
  command
    .append('code')
    .attr('data-testid', 'empty-curl')
    .text((d) => curlFor(d.proxy));
  command
    .append('button')
    .attr('type', 'button')
    .attr('data-testid', 'copy-curl')
    .attr('title', 'Copy the command')
    .text('Copy')
    .on('click', function (_event, d) {
      void copy(curlFor(d.proxy)).then((done) => (this.textContent = done ? 'Copied' : 'Select and copy'));
    });
}

export function curlFor(proxyUrl: string): string {
  return `curl -i ${proxyUrl.replace(/\/$/, '')}/`;
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard access needs a secure context and permission: the reader can still select the text.
    return false;
  }
}
