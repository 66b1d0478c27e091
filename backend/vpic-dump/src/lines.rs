//! The SQL text, one line at a time, with a bound on a line's length so a foreign binary file cannot make
//! the reader buffer it whole.

use std::io::BufRead;
use std::path::Path;

use crate::DumpError;

/// No line of a vPIC dump comes near this (the longest values are a few hundred bytes).
const MAX_LINE: usize = 16 << 20;
/// Progress is reported about every this many bytes.
const PROGRESS_STEP: u64 = 1 << 20;

/// Lines of the SQL text.
pub struct Lines<'a> {
    reader: &'a mut dyn BufRead,
    path: &'a Path,
    buf: Vec<u8>,
    number: u64,
    /// The last line returned had no line feed: the text ended inside it.
    cut: bool,
    bytes: u64,
    total: u64,
    reported: u64,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<'a> Lines<'a> {
    /// Reads from `reader`; `path` names the input in errors, `total` is its size (0 when unknown).
    pub fn new(
        reader: &'a mut dyn BufRead,
        path: &'a Path,
        total: u64,
        progress: &'a mut dyn FnMut(u64, u64),
    ) -> Self {
        Lines {
            reader,
            path,
            buf: Vec::with_capacity(4096),
            number: 0,
            cut: false,
            bytes: 0,
            total,
            reported: 0,
            progress,
        }
    }

    /// The next line without its line feed, `None` at the end of the text.
    pub fn next_line(&mut self) -> Result<Option<&[u8]>, DumpError> {
        self.buf.clear();
        let mut seen = false;
        self.cut = true;
        loop {
            let avail = match self.reader.fill_buf() {
                Ok(a) => a,
                Err(e) => return Err(self.read_error(e)),
            };
            if avail.is_empty() {
                break;
            }
            seen = true;
            if let Some(i) = avail.iter().position(|&b| b == b'\n') {
                self.buf.extend_from_slice(&avail[..i]);
                self.reader.consume(i + 1);
                self.bytes += i as u64 + 1;
                self.cut = false;
                break;
            }
            let n = avail.len();
            self.buf.extend_from_slice(avail);
            self.reader.consume(n);
            self.bytes += n as u64;
            if self.buf.len() > MAX_LINE {
                return Err(self.damaged(format!("a line longer than {MAX_LINE} bytes")));
            }
        }
        if !seen {
            (self.progress)(self.bytes, self.total);
            return Ok(None);
        }
        self.number += 1;
        if self.bytes - self.reported >= PROGRESS_STEP {
            self.reported = self.bytes;
            (self.progress)(self.bytes, self.total);
        }
        Ok(Some(&self.buf))
    }

    /// Whether the text ended inside the line last returned (pg_dump ends every line).
    pub fn cut(&self) -> bool {
        self.cut
    }

    /// The number of the line last returned (1-based).
    pub fn number(&self) -> u64 {
        self.number
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// A read error: a zip entry that ends early or fails its checksum says so.
    fn read_error(&self, e: std::io::Error) -> DumpError {
        use std::io::ErrorKind;
        match e.kind() {
            ErrorKind::UnexpectedEof => {
                self.truncated(format!("the compressed data ends early ({e})"))
            }
            ErrorKind::InvalidData | ErrorKind::InvalidInput => {
                self.damaged(format!("the compressed data is damaged ({e})"))
            }
            _ => DumpError::Io {
                path: self.path.to_path_buf(),
                source: e,
            },
        }
    }

    /// An error at the current line.
    pub fn damaged(&self, detail: String) -> DumpError {
        DumpError::Damaged {
            path: self.path.to_path_buf(),
            line: self.number.max(1),
            detail,
        }
    }

    /// An error for input that ends early.
    pub fn truncated(&self, detail: String) -> DumpError {
        DumpError::Truncated {
            path: self.path.to_path_buf(),
            detail: format!("{detail} (after line {})", self.number),
        }
    }

    /// An error for input that is not a vPIC dump.
    pub fn foreign(&self, detail: String) -> DumpError {
        DumpError::Foreign {
            path: self.path.to_path_buf(),
            detail,
        }
    }
}
