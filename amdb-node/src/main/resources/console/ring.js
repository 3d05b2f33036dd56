// Draws the partition table as a ring: one arc per partition, coloured by its owner (red when LOST,
// dashed outline when migrating), and a legend of members with their partition counts.

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#4fb3ff', '#ffb84f', '#7ddc6f', '#d77dff', '#ff7db1', '#4fe0d0', '#c9d65a', '#ff8c5a'];
const LOST = '#ff5a5a';

export function colour(index) {
  return index < 0 ? LOST : PALETTE[index % PALETTE.length];
}

function arc(from, to, r1, r2) {
  const p = (a, r) => `${(r * Math.sin(a)).toFixed(2)} ${(-r * Math.cos(a)).toFixed(2)}`;
  const large = to - from > Math.PI ? 1 : 0;
  return `M ${p(from, r2)} A ${r2} ${r2} 0 ${large} 1 ${p(to, r2)} L ${p(to, r1)} A ${r1} ${r1} 0 ${large} 0 ${p(from, r1)} Z`;
}

export function drawRing(svg, list, view) {
  const n = view.owners.length;
  const step = (2 * Math.PI) / n;
  const migrating = new Set(view.migrations.map((m) => m.partition));
  svg.replaceChildren();
  // Runs of consecutive partitions with the same owner become one arc (1024 paths would be slow to redraw),
  // at most a quarter turn each: an SVG arc whose ends meet (a whole ring) draws nothing.
  let start = 0;
  for (let p = 1; p <= n; p++) {
    const same = p < n && p - start < n / 4 && view.owners[p] === view.owners[start]
      && migrating.has(p) === migrating.has(start);
    if (same) continue;
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', arc(start * step, p * step, 120, 160));
    path.setAttribute('fill', colour(view.owners[start]));
    if (migrating.has(start)) path.setAttribute('stroke-dasharray', '3 2');
    path.setAttribute('stroke', '#10141a');
    path.setAttribute('data-owner', String(view.owners[start]));
    svg.appendChild(path);
    start = p;
  }
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('text-anchor', 'middle');
  label.setAttribute('fill', '#dde3ea');
  label.textContent = `${n} partitions · ${view.members.length} node${view.members.length === 1 ? '' : 's'}`;
  svg.appendChild(label);
  list.replaceChildren(...view.members.map((m, i) => {
    const li = document.createElement('li');
    li.dataset.node = m.id;
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = colour(i);
    li.append(sw, `${m.id}${m.id === view.self ? ' (this node)' : ''} — ${m.partitions} partitions — ${m.host}:${m.port}`);
    return li;
  }));
}
