// charts.js — ECharts (served from the binary as /vendor/echarts.js, the npm
// package's ES module build), loaded on first use; chart() draws into a box
// and keeps it sized with the window.
let lib = null;
const live = new Set();

export async function echarts() {
  if (!lib) lib = await import('/vendor/echarts.js');
  return lib;
}

export async function chart(el, option, dark) {
  const e = await echarts();
  const c = e.init(el, dark ? 'dark' : null, { renderer: 'canvas' });
  c.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
  live.add(c);
  return c;
}

// Dispose every chart (before a page is drawn again).
export function disposeAll() { for (const c of live) c.dispose(); live.clear(); }

window.addEventListener('resize', () => { for (const c of live) if (!c.isDisposed()) c.resize(); });
