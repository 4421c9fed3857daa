// A loss curve as an SVG document and as a text chart for the terminal.
import { lineChartSvg, lineChartTerminal } from '@trainkit/core';

const loss = Array.from({ length: 100 }, (_, i) => 2 * Math.exp(-i / 30) + 0.1);
const svg = lineChartSvg({
  series: [{ name: 'loss', y: loss }],
  title: 'training loss',
  yScale: 'log',
});
console.log(svg.startsWith('<svg')); // true: write it to a .svg file
console.log(lineChartTerminal({ series: [{ name: 'loss', y: loss }], width: 60, height: 10 }));
