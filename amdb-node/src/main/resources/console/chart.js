// A rolling line chart of ops/s: the last WINDOW samples, rescaled to the largest one shown.

const SVG = 'http://www.w3.org/2000/svg';
const WINDOW = 60;

export class OpsChart {
  constructor(svg) {
    this.svg = svg;
    this.samples = [];
    this.line = document.createElementNS(SVG, 'polyline');
    svg.appendChild(this.line);
  }

  add(value) {
    this.samples.push(value);
    if (this.samples.length > WINDOW) this.samples.shift();
    const max = Math.max(0, ...this.samples);
    const points = this.samples.map((v, i) => `${((i * 400) / (WINDOW - 1)).toFixed(1)},${(155 - (v / Math.max(1, max)) * 145).toFixed(1)}`);
    this.line.setAttribute('points', points.join(' '));
    this.line.dataset.samples = String(this.samples.length);
    this.line.dataset.max = String(max);
  }
}
