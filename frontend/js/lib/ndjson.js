// Read a newline-delimited JSON stream (the batch endpoint's `application/x-ndjson`) object by object, so
// the table can fill while the server is still decoding.

/**
 * Yield each JSON value of an NDJSON byte stream as soon as its line is complete. Blank lines are skipped; a
 * last line without a newline still counts. A line that is not JSON throws, naming its line number.
 * @param {ReadableStream<Uint8Array>} stream
 * @returns {AsyncGenerator<unknown, void, void>}
 */
export async function* readNdjson(stream) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let lineNo = 0;
  let finished = false;
  /** @param {string} line */
  const parse = (line) => {
    lineNo++;
    try {
      return JSON.parse(line);
    } catch {
      throw new SyntaxError(`NDJSON line ${lineNo} is not JSON: ${line.slice(0, 80)}`);
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line.trim() === '') { lineNo++; continue; }
        yield parse(line);
      }
      if (done) break;
    }
    finished = true;
    if (buffer.trim() !== '') yield parse(buffer);
  } finally {
    // A consumer that stops early (or a parse error) must not leave the response body half-read.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
