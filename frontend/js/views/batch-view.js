// Batch view: VINs pasted or read from a dropped CSV/TXT file are streamed through the batch endpoint; the
// table grows as each NDJSON line arrives, with a progress bar, and the results download as CSV. A list larger
// than the rate limit allows goes in chunks, paced by the API's RateLimit headers (lib/paced-batch.js); the
// progress line says when and how long the page waits for the quota.

import { splitVinList } from '../lib/vin-input.js';
import { extractVins } from '../lib/csv.js';
import { batchResultsCsv, batchFileName } from '../lib/batch-csv.js';
import { formatCount, formatErrorCodes, isClean } from '../lib/format.js';
import { ApiError } from '../lib/api.js';
import { runPacedBatch } from '../lib/paced-batch.js';
import { byId, h, replace } from './dom.js';

/** Largest file read in the browser; bigger lists belong to the API or `vinbot decode --file`. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * @param {import('../lib/api.js').Api} api
 * @param {(vin: string) => void} openVin show one VIN in the decode view
 */
export function initBatchView(api, openVin) {
  const form = /** @type {HTMLFormElement} */ (byId('batch-form'));
  const textarea = /** @type {HTMLTextAreaElement} */ (byId('batch-input'));
  const fileInput = /** @type {HTMLInputElement} */ (byId('batch-file'));
  const drop = byId('batch-drop');
  const count = byId('batch-count');
  const submit = /** @type {HTMLButtonElement} */ (byId('batch-submit'));
  const cancel = /** @type {HTMLButtonElement} */ (byId('batch-cancel'));
  const download = /** @type {HTMLButtonElement} */ (byId('batch-download'));
  const progress = /** @type {HTMLProgressElement} */ (byId('batch-progress'));
  const progressText = byId('batch-progress-text');
  const errorBox = byId('batch-error');
  const tbody = /** @type {HTMLTableSectionElement} */ (byId('batch-table').querySelector('tbody'));
  /** @type {any[]} */
  let results = [];
  /** @type {AbortController | null} */
  let running = null;

  const lines = () => splitVinList(textarea.value);
  const updateCount = () => {
    const n = lines().length;
    count.textContent = n === 0 ? 'No VINs yet.' : `${formatCount(n)} VIN${n === 1 ? '' : 's'} ready.`;
  };

  /** @param {string} message */
  function showError(message) {
    errorBox.hidden = false;
    replace(errorBox, h('p', {}, h('strong', {}, 'Batch stopped: '), message));
  }

  /** @param {File} file */
  async function readFile(file) {
    errorBox.hidden = true;
    if (file.size > MAX_FILE_BYTES) {
      showError(`${file.name} is larger than 5 MB; split it or use the API directly.`);
      return;
    }
    const vins = extractVins(await file.text());
    if (vins.length === 0) {
      showError(`No VINs found in ${file.name}.`);
      return;
    }
    textarea.value = vins.join('\n');
    updateCount();
    count.textContent += ` (from ${file.name})`;
  }

  /**
   * @param {any} r
   * @param {number} index 1-based
   */
  function row(r, index) {
    const clean = isClean(r);
    const vin = r.vin || r.input || '';
    return h('tr', {},
      h('td', { class: 'num' }, index),
      h('td', { class: 'vin' }, h('a', {
        href: `?vin=${encodeURIComponent(vin)}`,
        onclick: (/** @type {MouseEvent} */ e) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          openVin(vin);
        },
      }, vin)),
      h('td', {}, h('span', { class: `badge ${clean ? 'ok' : 'warn'}`, title: r.error_text ?? '' },
        clean ? 'Clean' : `Code ${formatErrorCodes(r.error_codes) || '?'}`)),
      h('td', {}, r.summary?.make ?? ''),
      h('td', {}, r.summary?.model ?? ''),
      h('td', {}, r.summary?.model_year ?? ''),
      h('td', { class: 'long', title: r.summary?.body_class ?? '' }, r.summary?.body_class ?? ''),
      h('td', { class: 'long', title: r.summary?.plant ?? '' }, r.summary?.plant ?? ''));
  }

  /** @param {number} done @param {number} total @param {number} clean @param {string} [note] */
  function setProgress(done, total, clean, note = '') {
    progress.max = Math.max(1, total);
    progress.value = done;
    progressText.textContent = `${formatCount(done)} of ${formatCount(total)} decoded · ${formatCount(clean)} clean${note}`;
  }

  async function run() {
    const list = lines();
    errorBox.hidden = true;
    if (list.length === 0) {
      showError('Paste some VINs or drop a file first.');
      textarea.focus();
      return;
    }
    running?.abort();
    const controller = new AbortController();
    running = controller;
    results = [];
    tbody.replaceChildren();
    download.disabled = true;
    submit.disabled = true;
    cancel.hidden = false;
    let clean = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let countdown;
    const stopCountdown = () => clearInterval(countdown);
    setProgress(0, list.length, 0);
    try {
      // One row per NDJSON line as it arrives: the table is live while the server is still decoding.
      await runPacedBatch({
        lines: list,
        signal: controller.signal,
        stream: (chunk, opts) => api.batchStream(chunk, opts),
        onResult: (r) => {
          stopCountdown();
          results.push(r);
          if (isClean(r)) clean++;
          tbody.append(row(r, results.length));
          setProgress(results.length, list.length, clean);
        },
        onWait: (ms, reason) => {
          stopCountdown();
          const until = Date.now() + ms;
          const why = reason === 'quota' ? 'for the rate limit' : 'after a rate-limit refusal';
          const tick = () => {
            const secs = Math.max(0, Math.ceil((until - Date.now()) / 1000));
            setProgress(results.length, list.length, clean, ` · waiting ${secs} s ${why}`);
          };
          tick();
          countdown = setInterval(tick, 1000);
        },
      });
      stopCountdown();
      progressText.textContent = `Done: ${formatCount(results.length)} decoded · ${formatCount(clean)} clean.`;
    } catch (err) {
      stopCountdown();
      const e = /** @type {Error} */ (err);
      const cancelled = (err instanceof ApiError && err.code === 'aborted') || controller.signal.aborted;
      if (cancelled) progressText.textContent = `Cancelled after ${formatCount(results.length)}.`;
      else showError(e.message);
    } finally {
      if (running === controller) running = null;
      submit.disabled = false;
      cancel.hidden = true;
      download.disabled = results.length === 0;
    }
  }

  function saveCsv() {
    const blob = new Blob([batchResultsCsv(results)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: batchFileName(new Date()), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    // Revoke later: the download starts asynchronously and needs the URL until then.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  textarea.addEventListener('input', updateCount);
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  cancel.addEventListener('click', () => running?.abort());
  download.addEventListener('click', saveCsv);
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) readFile(file);
    fileInput.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  }
  for (const type of ['dragleave', 'drop']) {
    drop.addEventListener(type, () => drop.classList.remove('dragging'));
  }
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = /** @type {DragEvent} */ (e).dataTransfer?.files?.[0];
    if (file) readFile(file);
  });
  updateCount();
}
