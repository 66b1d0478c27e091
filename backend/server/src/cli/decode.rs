//! `vinbot decode`: JSON Lines, one flat DecodeVinValues-style object per input line, in
//! input order. Lines are decoded in parallel chunks (rayon) and printed in order; memory
//! stays bounded by the chunk size however long the input. Blank lines (empty or whitespace
//! only: separators, a trailing newline too many) are skipped; every other line yields one
//! object, a line that is not a VIN one carrying vPIC's error code: never a crash, never a
//! dropped line.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write},
    path::PathBuf,
};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use vinbot_decoder::Decoder;

use crate::api::vin_input;

/// Lines decoded per parallel chunk.
const CHUNK: usize = 4096;
/// Inputs at least this large (bytes) show a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 256 * 1024;

/// Where the VINs come from.
pub enum Input {
    /// Command-line arguments.
    Args(Vec<String>),
    /// A file, or stdin for `-`.
    File(PathBuf),
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it (`"`, `\\`, the short escapes
/// `\b \f \n \r \t`, other control characters as `\u00xx`; everything else as it is). Most values need no
/// escape: they are copied whole.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| needs_escape(b)) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A byte JSON strings cannot hold as it is.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends the flat values as one JSON object (keys in the decoder's, vPIC's, order) and a newline: the
/// bytes serde_json would write for the same map.
fn push_flat_json(out: &mut Vec<u8>, flat: &[(&str, &str)]) {
    out.push(b'{');
    for (i, (k, v)) in flat.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_str(out, k);
        out.push(b':');
        push_json_str(out, v);
    }
    out.extend_from_slice(b"}\n");
}

/// Writes the flat objects of one decoder: every object has the same keys in the same order (the
/// decoder's flat order), and most values are empty. The object with every value empty is made once;
/// a line copies its runs of empty values from it whole and writes only the values there are.
struct FlatWriter {
    /// `{"K1":"","K2":"",...}` and a newline.
    empty: Vec<u8>,
    /// Per position: where its `""` starts in `empty`.
    at: Vec<usize>,
}

impl FlatWriter {
    fn new(decoder: &Decoder) -> Self {
        let sample = decoder.decode_with("", vinbot_decoder::DecodeOptions::default());
        let mut empty = Vec::new();
        let mut at = Vec::new();
        for (i, (k, _)) in decoder.flat_values(&sample).iter().enumerate() {
            empty.push(if i == 0 { b'{' } else { b',' });
            push_json_str(&mut empty, k);
            empty.push(b':');
            at.push(empty.len());
            empty.extend_from_slice(b"\"\"");
        }
        empty.extend_from_slice(b"}\n");
        FlatWriter { empty, at }
    }

    /// Appends one object and a newline (the same bytes as [`push_flat_json`]).
    fn push(&self, out: &mut Vec<u8>, flat: &[(&str, &str)]) {
        if flat.len() != self.at.len() || flat.is_empty() {
            return push_flat_json(out, flat);
        }
        // Bytes of `empty` not yet copied start here.
        let mut from = 0;
        for (&value_at, (_, v)) in self.at.iter().zip(flat) {
            if v.is_empty() {
                continue;
            }
            out.extend_from_slice(&self.empty[from..value_at]);
            push_json_str(out, v);
            from = value_at + 2;
        }
        out.extend_from_slice(&self.empty[from..]);
    }
}

/// Appends the output line of one input line.
fn push_line(decoder: &Decoder, writer: &FlatWriter, line: &str, out: &mut Vec<u8>) {
    let (vin, year) = vin_input::parse_line(line);
    // The CLI prints vPIC's values only: no repair search.
    let decoded = decoder.decode_with(
        vin,
        vinbot_decoder::DecodeOptions {
            model_year: year,
            repairs: false,
        },
    );
    writer.push(out, &decoder.flat_values(&decoded));
}

/// Lines decoded into one buffer by one task of the parallel decode.
const PER_TASK: usize = 64;

/// Decodes lines in parallel; the output, in input order, as buffers of many lines each.
fn render(decoder: &Decoder, writer: &FlatWriter, lines: &[String]) -> Vec<Vec<u8>> {
    lines
        .par_chunks(PER_TASK)
        .map(|part| {
            let mut out = Vec::with_capacity(part.len() * 4096);
            for l in part {
                push_line(decoder, writer, l, &mut out);
            }
            out
        })
        .collect()
}

fn write_chunk(decoder: &Decoder, lines: &[String], out: &mut impl Write) -> io::Result<()> {
    for buf in render(decoder, &FlatWriter::new(decoder), lines) {
        out.write_all(&buf)?;
    }
    Ok(())
}

fn progress(total_bytes: Option<u64>) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    match total_bytes {
        Some(n) if n >= PROGRESS_BYTES => {
            let bar = ProgressBar::new(n);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta}")
            {
                bar.set_style(style);
            }
            Some(bar)
        }
        Some(_) => None,
        None => Some(ProgressBar::new_spinner()),
    }
}

/// A line with nothing to decode: empty or whitespace only.
pub fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Decodes `input` to stdout.
pub fn run(decoder: &Decoder, input: Input) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match input {
        Input::Args(mut vins) => {
            vins.retain(|v| !is_blank(v));
            write_chunk(decoder, &vins, &mut out).and_then(|()| out.flush())
        }
        Input::File(path) => {
            let (reader, size): (Box<dyn Read>, Option<u64>) = if path.as_os_str() == "-" {
                (Box::new(io::stdin().lock()), None)
            } else {
                let file =
                    File::open(&path).with_context(|| format!("opening {}", path.display()))?;
                let size = file.metadata().ok().map(|m| m.len());
                (Box::new(file), size)
            };
            stream(decoder, BufReader::new(reader), size, &mut out)
        }
    };
    match result {
        // A closed pipe (`| head`) is a normal way to stop reading.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing output"),
    }
}

/// Longest part of a line kept (bytes): far more than `VIN,year` needs, so a file without
/// newlines cannot fill memory. The rest of a longer line is read and discarded.
const MAX_LINE: usize = 256;

/// Reads one line (with its `\n`) into `buf`, keeping at most [`MAX_LINE`] bytes; returns the
/// bytes consumed (0 at the end of the input).
fn read_capped_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut consumed = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(consumed);
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let room = MAX_LINE.saturating_sub(buf.len());
        buf.extend_from_slice(&available[..take.min(room)]);
        reader.consume(take);
        consumed += take;
        if done {
            return Ok(consumed);
        }
    }
}

fn stream(
    decoder: &Decoder,
    mut reader: impl BufRead,
    size: Option<u64>,
    out: &mut impl Write,
) -> io::Result<()> {
    let bar = progress(size);
    // A pipeline: this thread reads lines and writes finished chunks while a decoding thread (rayon
    // across the cores) works on the next chunk, so neither the disk nor the cores wait for the other.
    // One decoding thread keeps the chunks in input order.
    std::thread::scope(|scope| -> io::Result<()> {
        let (to_decode, chunks) = std::sync::mpsc::sync_channel::<Vec<String>>(1);
        let (to_write, rendered) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        scope.spawn(move || {
            let writer = FlatWriter::new(decoder);
            for chunk in chunks {
                if to_write.send(render(decoder, &writer, &chunk)).is_err() {
                    break;
                }
            }
        });
        let write = |bufs: Vec<Vec<u8>>, out: &mut dyn Write| -> io::Result<()> {
            for buf in bufs {
                out.write_all(&buf)?;
            }
            Ok(())
        };
        let mut in_flight = 0usize;
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = read_capped_line(&mut reader, &mut buf)?;
            if n > 0 {
                if let Some(bar) = &bar {
                    bar.inc(if size.is_some() { n as u64 } else { 1 });
                }
                // Invalid UTF-8 becomes U+FFFD: the line still yields an object (with an error code).
                let line = String::from_utf8_lossy(&buf);
                if !is_blank(&line) {
                    chunk.push(line.trim_end_matches(['\n', '\r']).to_owned());
                }
            }
            if chunk.len() == CHUNK || (n == 0 && !chunk.is_empty()) {
                // At most two chunks in the pipeline: write one before handing over another.
                if in_flight == 2 {
                    write(rendered.recv().map_err(io::Error::other)?, out)?;
                    in_flight -= 1;
                }
                to_decode
                    .send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                    .map_err(io::Error::other)?;
                in_flight += 1;
            }
            if n == 0 {
                break;
            }
        }
        drop(to_decode);
        for _ in 0..in_flight {
            write(rendered.recv().map_err(io::Error::other)?, out)?;
        }
        Ok(())
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::ser::{Serialize, SerializeMap, Serializer};

    use super::push_flat_json;

    /// The flat values as serde_json writes a map of them (what the CLI printed before it wrote its
    /// lines itself).
    struct Flat<'a>(&'a [(&'a str, &'a str)]);

    impl Serialize for Flat<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in self.0 {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }

    #[test]
    fn the_writer_of_a_decoder_writes_what_serde_json_writes() {
        let decoder = vinbot_testkit::app::decoder();
        let writer = super::FlatWriter::new(&decoder);
        for vin in [
            "1HGCM82633A004352",
            "5YJXCBE10KF604140",
            "1HGCM826",
            "\"\\\t",
            "",
        ] {
            let d = decoder.decode_with(vin, vinbot_decoder::DecodeOptions::default());
            let flat = decoder.flat_values(&d);
            let mut ours = Vec::new();
            writer.push(&mut ours, &flat);
            let theirs = serde_json::to_string(&Flat(&flat)).expect("serde_json") + "\n";
            assert_eq!(String::from_utf8(ours).expect("utf-8"), theirs);
        }
    }

    fn both(pairs: &[(String, String)]) -> (String, String) {
        let flat: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut ours = Vec::new();
        push_flat_json(&mut ours, &flat);
        let theirs = serde_json::to_string(&Flat(&flat)).expect("serde_json") + "\n";
        (String::from_utf8(ours).expect("utf-8"), theirs)
    }

    #[test]
    fn every_escape_is_written_as_serde_json_writes_it() {
        let all: String = (0u8..0x80).map(char::from).collect();
        let pairs = vec![
            ("Make".to_owned(), "HONDA".to_owned()),
            ("Empty".to_owned(), String::new()),
            ("All ASCII".to_owned(), all),
            (
                "Note \"quoted\"".to_owned(),
                "a\\b\u{7f}\u{e9}\u{1F697}\u{2028}".to_owned(),
            ),
        ];
        let (ours, theirs) = both(&pairs);
        assert_eq!(ours, theirs);
        assert_eq!(both(&[]).0, "{}\n");
    }

    proptest! {
        #[test]
        fn any_values_are_written_as_serde_json_writes_them(
            pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..8),
        ) {
            let (ours, theirs) = both(&pairs);
            prop_assert_eq!(ours, theirs);
        }
    }
}
