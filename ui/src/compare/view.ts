/**
 * The dashboard's Compare view (issue 5). The shell calls this once with an
 * empty container when the Compare tab is first opened. Placeholder until the
 * compare view lands.
 */
export function mountCompareView(container: HTMLElement, hubBase: string): void {
  void hubBase;
  container.textContent = 'Compare runs appear here.';
}
