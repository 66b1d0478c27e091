// The "VIN anatomy" strip under the VIN field: each part of the (possibly partial) VIN in a box with its
// positions, and the explanations in a disclosure below it.

import { vinAnatomy } from '../lib/vin-anatomy.js';
import { checkDigitVerdict } from '../lib/check-digit.js';
import { h, replace } from './dom.js';

/**
 * Draw the strip for `vin` into `container` (empty VIN → empty container).
 * @param {HTMLElement} container
 * @param {string} vin normalised VIN
 * @param {boolean} helpOpen whether the explanations start expanded
 */
export function renderAnatomy(container, vin, helpOpen) {
  if (!vin) {
    replace(container);
    return;
  }
  const parts = vinAnatomy(vin.slice(0, 17));
  const check = checkDigitVerdict(vin);
  const positions = (/** @type {{start: number, end: number}} */ p) => (p.start === p.end ? `${p.start}` : `${p.start}–${p.end}`);
  const strip = h('ol', { class: 'anatomy', 'aria-label': 'VIN anatomy' },
    parts.map((p) => h('li', {
      class: `seg-${p.key}${p.key === 'check' ? ` ${check.status}` : ''}`,
      title: p.explain,
    },
    h('span', { class: 'chars', 'aria-label': `${p.label}: ${p.text ? [...p.text].join(' ') : 'not entered'}` }, p.text || '·'),
    h('span', { class: 'part-label', 'aria-hidden': 'true' }, p.label),
    h('span', { class: 'pos', 'aria-hidden': 'true' }, positions(p)))));
  const help = h('details', { class: 'anatomy-help', open: helpOpen },
    h('summary', {}, 'What do these parts mean?'),
    h('dl', {}, parts.flatMap((p) => [h('dt', {}, `${p.label} (${positions(p)})`), h('dd', {}, p.explain)])));
  replace(container, strip, help);
}
