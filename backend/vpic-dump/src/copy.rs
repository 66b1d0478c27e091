//! One row of a `COPY ... FROM stdin` block in PostgreSQL's text format: fields separated by TAB, `\N`
//! for NULL, backslash escapes inside values.

/// A parsed row: the unescaped bytes of every field in one buffer, and each field's range (`None` for
/// NULL). Reused from row to row so a block allocates only while its rows grow.
#[derive(Debug, Default)]
pub struct Row {
    bytes: Vec<u8>,
    fields: Vec<Option<(usize, usize)>>,
}

impl Row {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the row has no field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Field `i` as UTF-8 text (`Ok(None)` for NULL).
    pub fn text(&self, i: usize) -> Result<Option<&str>, std::str::Utf8Error> {
        match self.fields.get(i).copied().flatten() {
            None => Ok(None),
            Some((a, b)) => std::str::from_utf8(&self.bytes[a..b]).map(Some),
        }
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Parses one data line (without its line feed) into `row`.
///
/// Follows PostgreSQL's COPY text rules: `\b \f \n \r \t \v`, `\\`, one to three octal digits, `\x` with
/// one or two hex digits, and any other escaped character stands for itself; a field that is exactly
/// `\N` is NULL. A trailing lone backslash is an error (the line was cut).
pub fn parse_row(line: &[u8], row: &mut Row) -> Result<(), String> {
    row.bytes.clear();
    row.fields.clear();
    // A TAB inside a value is always escaped, so every raw TAB separates fields.
    for raw in line.split(|&b| b == b'\t') {
        if raw == b"\\N" {
            row.fields.push(None);
            continue;
        }
        let start = row.bytes.len();
        unescape(raw, &mut row.bytes)?;
        row.fields.push(Some((start, row.bytes.len())));
    }
    Ok(())
}

fn unescape(raw: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let Some(&e) = raw.get(i + 1) else {
            return Err("a backslash ends a field".into());
        };
        i += 2;
        match e {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // PostgreSQL keeps the low byte of an octal escape above \377.
                out.push((v & 0xff) as u8);
            }
            b'x' if raw.get(i).copied().and_then(hex_digit).is_some() => {
                let mut v = 0u8;
                for _ in 0..2 {
                    match raw.get(i).copied().and_then(hex_digit) {
                        Some(d) => {
                            v = v * 16 + d;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(v);
            }
            other => out.push(other),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<Option<String>> {
        let mut row = Row::default();
        parse_row(line.as_bytes(), &mut row).unwrap();
        (0..row.len())
            .map(|i| row.text(i).unwrap().map(str::to_owned))
            .collect()
    }

    #[test]
    fn nulls_and_empty_fields_differ() {
        assert_eq!(
            fields("1\t\\N\t\tx"),
            vec![
                Some("1".into()),
                None,
                Some(String::new()),
                Some("x".into())
            ]
        );
        assert_eq!(fields("\\N"), vec![None]);
        // `\N` inside a longer field is an escaped N, not NULL.
        assert_eq!(
            fields("\\Nx\ta\\N"),
            vec![Some("Nx".into()), Some("aN".into())]
        );
    }

    #[test]
    fn every_escape() {
        assert_eq!(
            fields("a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh"),
            vec![Some("a\tb\nc\rd\\e\u{8}f\u{c}g\u{b}h".into())]
        );
        assert_eq!(fields("\\101\\7\\0123"), vec![Some("A\u{7}\n3".into())]);
        assert_eq!(fields("\\x41\\x4g\\xz"), vec![Some("A\u{4}gxz".into())]);
        assert_eq!(fields("\\303\\251"), vec![Some("é".into())]);
    }

    #[test]
    fn a_cut_escape_is_an_error() {
        let mut row = Row::default();
        assert!(parse_row(b"abc\\", &mut row).is_err());
    }
}
