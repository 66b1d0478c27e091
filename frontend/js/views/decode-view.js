// Decode view: the VIN field normalises and judges input as it is typed, Decode asks the API, the result
// card replaces the previous one; the VIN goes into the URL (?vin=) and the recent list (localStorage).

import { normalizeVinInput, cleanVin } from '../lib/vin-input.js';
import { addRecent, loadRecent, saveRecent } from '../lib/recent.js';
import { isClean, vehicleTitle } from '../lib/format.js';
import { ApiError } from '../lib/api.js';
import { renderAnatomy } from './anatomy-strip.js';
import { renderResultCard } from './result-card.js';
import { byId, h, replace } from './dom.js';

/**
 * @param {import('../lib/api.js').Api} api
 * @returns {{decodeFromUrl: () => void}}
 */
export function initDecodeView(api) {
  const form = /** @type {HTMLFormElement} */ (byId('decode-form'));
  const input = /** @type {HTMLInputElement} */ (byId('vin-input'));
  const feedback = byId('vin-feedback');
  const anatomy = byId('anatomy');
  const status = byId('decode-status');
  const errorBox = byId('decode-error');
  const result = byId('decode-result');
  const recentSection = byId('recent');
  const recentList = byId('recent-list');
  /** @type {AbortController | null} */
  let inFlight = null;
  const storage = (() => { try { return window.localStorage; } catch { return null; } })();
  let recent = loadRecent(storage);

  function refreshInput() {
    // Normalise in place, keeping the caret after the same character it followed.
    const raw = input.value;
    const caret = input.selectionStart ?? raw.length;
    const cleaned = cleanVin(raw);
    if (cleaned !== raw) {
      const newCaret = cleanVin(raw.slice(0, caret)).length;
      input.value = cleaned;
      input.setSelectionRange(newCaret, newCaret);
    }
    renderFeedback();
  }

  function renderFeedback() {
    const n = normalizeVinInput(input.value);
    const hasError = n.issues.some((i) => i.severity === 'error');
    input.setAttribute('aria-invalid', String(hasError));
    const helpOpen = anatomy.querySelector('details')?.open ?? false;
    renderAnatomy(anatomy, n.vin, helpOpen);
    if (!n.vin) {
      replace(feedback);
      return;
    }
    const cd = n.checkDigit;
    const verdict = cd.status === 'valid'
      ? h('span', { class: 'badge ok' }, 'Check digit correct')
      : cd.status === 'invalid'
        ? h('span', { class: 'badge err' }, `Check digit should be ${cd.expected}, not ${cd.actual}`)
        : h('span', { class: 'badge warn' }, 'Check digit not checked yet');
    const lookalikes = n.issues.filter((i) => i.kind === 'lookalike');
    replace(feedback,
      h('div', { class: 'line' }, h('span', {}, `${n.vin.length} of 17 characters`), verdict),
      n.issues.length > 0 && h('ul', {}, n.issues.map((i) => h('li', { class: `issue-${i.severity}` }, i.message))),
      // Offer the one-click fix only when look-alike letters are the whole problem.
      lookalikes.length > 0 && !n.issues.some((i) => i.kind === 'invalid_char') && h('div', { class: 'line' },
        h('button', {
          type: 'button', class: 'link-button',
          onclick: () => { input.value = n.fixed; renderFeedback(); input.focus(); },
        }, `Use ${n.fixed}`)));
  }

  function renderRecent() {
    recentSection.hidden = recent.length === 0;
    replace(recentList, recent.map((e) => h('li', {},
      h('a', {
        href: `?vin=${encodeURIComponent(e.vin)}`,
        onclick: (/** @type {MouseEvent} */ ev) => {
          if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
          ev.preventDefault();
          decode(e.vin, { push: true });
        },
      }, e.vin),
      h('span', { class: 'title' }, e.title || '—'),
      !e.clean && h('span', { class: 'badge warn' }, 'with errors'))));
  }

  /** @param {ApiError | Error} err */
  function showError(err) {
    const apiErr = err instanceof ApiError ? err : null;
    errorBox.hidden = false;
    replace(errorBox,
      h('p', {}, h('strong', {}, 'Could not decode: '), err.message),
      apiErr?.requestId && h('p', { class: 'hint' }, `Request id: ${apiErr.requestId}`));
  }

  /**
   * @param {string} rawVin
   * @param {{push?: boolean}} [opts] push a history entry (?vin=) for this decode
   */
  async function decode(rawVin, opts = {}) {
    const vin = cleanVin(rawVin);
    input.value = vin;
    renderFeedback();
    errorBox.hidden = true;
    if (!vin) {
      showError(new Error('Enter a VIN first.'));
      input.focus();
      return;
    }
    if (opts.push) {
      const url = new URL(location.href);
      url.searchParams.set('vin', vin);
      url.hash = '';
      if (url.href !== location.href) history.pushState(null, '', url);
    }
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    status.textContent = `Decoding ${vin}…`;
    result.setAttribute('aria-busy', 'true');
    try {
      const r = await api.decodeVin(vin, { signal: controller.signal });
      if (controller.signal.aborted) return;
      replace(result, renderResultCard(r, (next) => decode(next, { push: true })));
      const title = vehicleTitle(r.summary);
      status.textContent = title ? `Decoded: ${title}.` : 'Decoded, but no vehicle was identified.';
      recent = addRecent(recent, { vin: r.vin || vin, title, clean: isClean(r), at: Date.now() });
      saveRecent(storage, recent);
      renderRecent();
    } catch (err) {
      if (controller.signal.aborted) return;
      replace(result);
      status.textContent = '';
      showError(/** @type {Error} */ (err));
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        result.removeAttribute('aria-busy');
      }
    }
  }

  input.addEventListener('input', refreshInput);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    decode(input.value, { push: true });
  });
  byId('recent-clear').addEventListener('click', () => {
    recent = [];
    saveRecent(storage, recent);
    renderRecent();
    input.focus();
  });
  renderRecent();
  renderFeedback();

  return {
    /** Decode the ?vin= of the current URL, if any and not already shown. */
    decodeFromUrl() {
      const vin = new URL(location.href).searchParams.get('vin');
      if (vin && cleanVin(vin) !== result.querySelector('.result-vin')?.textContent) decode(vin);
    },
  };
}
