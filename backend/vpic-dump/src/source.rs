//! Opens the input: NHTSA's zip (its one `.sql` entry, decompressed as it is read) or the SQL text itself.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::DumpError;

const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";
const BUFFER: usize = 1 << 20;

/// Calls `f` with a reader of the SQL text, its name and its size in bytes (0 when unknown).
pub fn with_sql<T>(
    input: &Path,
    f: impl FnOnce(&mut dyn BufRead, &str, u64) -> Result<T, DumpError>,
) -> Result<T, DumpError> {
    let io = |source| DumpError::Io {
        path: input.to_path_buf(),
        source,
    };
    let mut file = File::open(input).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(io)?;
    drop(file);
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if n == 4 && &magic == ZIP_MAGIC {
        return with_zip_entry(input, f);
    }
    let file = File::open(input).map_err(io)?;
    let mut reader = BufReader::with_capacity(BUFFER, file);
    f(&mut reader, &name, size)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn with_zip_entry<T>(
    input: &Path,
    f: impl FnOnce(&mut dyn BufRead, &str, u64) -> Result<T, DumpError>,
) -> Result<T, DumpError> {
    let file = File::open(input).map_err(|source| DumpError::Io {
        path: input.to_path_buf(),
        source,
    })?;
    let truncated = |detail: String| DumpError::Truncated {
        path: input.to_path_buf(),
        detail,
    };
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| truncated(format!("not a complete zip archive ({e})")))?;
    let sql: Vec<usize> = (0..archive.len())
        .filter(|&i| {
            archive
                .name_for_index(i)
                .is_some_and(|n| n.is_ok_and(|n| n.to_ascii_lowercase().ends_with(".sql")))
        })
        .collect();
    let [index] = sql[..] else {
        return Err(DumpError::Foreign {
            path: input.to_path_buf(),
            detail: format!(
                "the zip holds {} .sql entries; NHTSA's holds exactly one",
                sql.len()
            ),
        });
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| truncated(format!("cannot open the zip entry ({e})")))?;
    let name = entry
        .name()
        .map_err(|e| truncated(format!("unreadable zip entry name ({e})")))?
        .to_string();
    let size = entry.size();
    let mut reader = BufReader::with_capacity(BUFFER, entry);
    f(&mut reader, &name, size)
}
