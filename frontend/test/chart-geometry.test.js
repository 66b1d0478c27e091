import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks, lineLayout, barLayout } from '../js/lib/chart-geometry.js';

test('nice ticks cover the maximum with 1/2/5 steps and whole counts', () => {
  assert.deepEqual(niceTicks(10), [0, 5, 10]);
  assert.deepEqual(niceTicks(7), [0, 2, 4, 6, 8]);
  assert.deepEqual(niceTicks(120), [0, 50, 100, 150]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  assert.deepEqual(niceTicks(1), [0, 1]);
  assert.deepEqual(niceTicks(3), [0, 1, 2, 3]);
});

const box = { width: 300, height: 120, margin: { top: 10, right: 10, bottom: 20, left: 40 } };

test('line layout maps first/last points to the plot edges and values to height', () => {
  const l = lineLayout(['d1', 'd2', 'd3'], [{ name: 'total', values: [0, 5, 10] }], box);
  const pts = l.series[0].points;
  assert.deepEqual([pts[0].x, pts[2].x], [40, 290]);
  assert.equal(pts[0].y, 100); // value 0 on the bottom line
  assert.equal(pts[2].y, 10); // the max on the top tick
  assert.equal(l.series[0].d, 'M40,100 L165,55 L290,10');
  assert.deepEqual(l.yTicks.map((t) => t.value), [0, 5, 10]);
});

test('line layout with one day centres it; many days thin the x labels but keep the last', () => {
  const one = lineLayout(['d1'], [{ name: 't', values: [3] }], box);
  assert.equal(one.series[0].points[0].x, 165);
  const labels = Array.from({ length: 30 }, (_, i) => `d${i + 1}`);
  const many = lineLayout(labels, [{ name: 't', values: labels.map(() => 1) }], box, 6);
  assert.ok(many.xLabels.length <= 7, `${many.xLabels.length} labels`);
  assert.equal(many.xLabels[0].text, 'd1');
  assert.equal(many.xLabels[many.xLabels.length - 1].text, 'd30');
});

test('bars scale to the largest value and report their share', () => {
  const { bars, height } = barLayout(
    [{ label: 'HONDA', value: 10 }, { label: 'KIA', value: 5 }, { label: 'NONE', value: 0 }],
    { width: 300, labelWidth: 100, valueWidth: 50, barHeight: 20, gap: 4 },
  );
  assert.deepEqual(bars.map((b) => [b.width, b.y]), [[150, 0], [75, 24], [0, 48]]);
  assert.equal(height, 68);
  assert.equal(bars[0].share, 10 / 15);
  assert.deepEqual(barLayout([], { width: 300, labelWidth: 100, valueWidth: 50, barHeight: 20, gap: 4 }), { height: 0, bars: [] });
});
