//! # vinbot-decoder
//!
//! An offline VIN decoder that follows NHTSA's own decoding procedure (vPIC's `spVinDecode`) over any
//! SQLite file with vPIC's table layout.
//!
//! Data model: a WMI (positions 1-3, or 1-3 + 12-14 for small makers) is linked to VIN schemas for
//! ranges of model years; a schema holds patterns, each a key over positions 4-8 and 10-17 that gives
//! one element (Model, Body Class, ...) one value. A decode resolves the model year (position 10 and the
//! 30-year cycle), collects the patterns whose keys match, keeps one value per element as vPIC ranks
//! them, adds what the WMI, the model, engine models and unit conversions give, and computes vPIC's
//! error codes. The index is built once ([`Decoder::from_sqlite`]), saved as a snapshot
//! ([`Decoder::write_snapshot`]) that loads in milliseconds, and is immutable. A [`Decoder`] is a cheap
//! handle to share across threads (a reference count); results borrow the index's names and keys from the
//! handle instead of copying them, and the index is freed when the last handle goes (a data reload frees
//! the old index once the last request using it has ended).
#![deny(missing_docs)]

mod catalog;
mod elements;
mod errors;
#[cfg(feature = "fixture")]
pub mod fixture;
pub mod keys;
mod layout;
mod model;
mod output;
mod procedure;
mod renames;
mod repair;
mod result;
mod snapshot;
mod sqlite;
pub mod vin;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use model::{DataIdentity, ElementInfo, MakeInfo, ManufacturerInfo, ModelInfo, WmiInfo};
pub use result::{
    Change, CheckDigit, CheckDigitStatus, Decoded, DecodedValue, Repair, Source, YearCandidate,
};

use layout::Data;

/// How a model-year pass ranks: (error value, element weight, pattern count, year).
pub type PassScore = (i32, i64, i64, i64);

/// Version of the decoding engine (reported with every answer).
pub const DECODER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// File name of the vPIC SQLite in a data directory.
pub const SQLITE_FILE: &str = "vpic.lite.db";
/// File name of the snapshot in a data directory.
pub const SNAPSHOT_FILE: &str = "vpic.snapshot";

/// Why data could not be loaded or built.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file does not exist.
    #[error("vPIC data not found at {0} (run scripts/fetch-vpic-data)")]
    Missing(PathBuf),
    /// The SQLite file could not be read as vPIC data.
    #[error("cannot read vPIC SQLite {0}: {1}")]
    Sqlite(PathBuf, String),
    /// The snapshot is not ours, truncated, corrupt or of another format version.
    #[error("invalid snapshot {0}: {1}")]
    Snapshot(PathBuf, String),
    /// Reading or writing a file failed.
    #[error("I/O error on {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Options of one decode.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    /// The caller's model year (vPIC's `modelyear` parameter).
    pub model_year: Option<u16>,
    /// Also search repair candidates for a mistyped VIN (costs a few more decodes).
    pub repairs: bool,
}

/// The decoder: the immutable vPIC index and the procedure over it.
///
/// Cloning shares the index. Decoding results borrow from the handle they came from, which keeps a decode
/// free of string copies and reference counts; the index is freed with its last handle.
#[derive(Debug, Clone)]
pub struct Decoder {
    data: Arc<Data>,
    clock_year: u16,
    clock_day: i32,
}

impl Decoder {
    fn new(data: Data) -> Decoder {
        let now_days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| (d.as_secs() / 86_400) as i32)
            .unwrap_or(20_000);
        let year = sqlite::civil_from_days(i64::from(now_days))[..4]
            .parse()
            .unwrap_or(2026);
        Decoder {
            data: Arc::new(data),
            clock_year: year,
            clock_day: now_days,
        }
    }

    /// Lays a freshly built index out as a snapshot image and opens it from memory.
    fn from_index(mut index: model::Index, path: &Path) -> Result<Decoder, DataError> {
        index.finish();
        let (image, _) =
            snapshot::encode(&index).map_err(|e| DataError::Snapshot(path.to_path_buf(), e))?;
        drop(index);
        let data = snapshot::from_bytes(path, layout::Bytes::heap(&image))?;
        Ok(Decoder::new(data))
    }

    /// Builds the index from a vPIC-layout SQLite file.
    pub fn from_sqlite(path: &Path) -> Result<Decoder, DataError> {
        let mut index = sqlite::load(path)?;
        let stamp = path.with_extension("db.source");
        if let Ok(s) = std::fs::read_to_string(&stamp)
            && let Some(pkg) = s.split_whitespace().next()
        {
            index.identity.source = format!("{pkg} {}", index.identity.source);
        }
        Decoder::from_index(index, path)
    }

    /// Builds the index from a vPIC-layout SQLite file, naming its source `source` in the data identity
    /// (e.g. `NHTSA vPIC 2026_10` for an imported monthly dump) instead of the file's name.
    pub fn from_sqlite_as(path: &Path, source: &str) -> Result<Decoder, DataError> {
        let mut index = sqlite::load(path)?;
        index.identity.source = source.to_string();
        Decoder::from_index(index, path)
    }

    /// Opens a snapshot written by [`Decoder::write_snapshot`] in place: the file is mapped, its header
    /// checked (magic, format, checksum, section table, length), and no section is read until a decode
    /// needs it. Processes that open the same file share its pages. The full check of the content is
    /// [`Decoder::verify_snapshot`].
    pub fn load_snapshot(path: &Path) -> Result<Decoder, DataError> {
        Ok(Decoder::new(snapshot::open(path)?))
    }

    /// Reads a whole snapshot file and checks every section's checksum and the digest of its content
    /// against its identity; returns the identity.
    pub fn verify_snapshot(path: &Path) -> Result<DataIdentity, DataError> {
        snapshot::verify(path)
    }

    /// The identity a snapshot file's header carries (source, data date, digest), read without loading
    /// the index.
    pub fn snapshot_identity(path: &Path) -> Result<DataIdentity, DataError> {
        snapshot::identity(path)
    }

    /// Writes the index as a snapshot file (atomically: a temporary file renamed into place).
    pub fn write_snapshot(&self, path: &Path) -> Result<(), DataError> {
        snapshot::write(self.data.image(), path)
    }

    /// Loads `<dir>/vpic.snapshot`, building it from `<dir>/vpic.lite.db` first when it is absent, older
    /// than the SQLite file, or unreadable.
    pub fn open_data_dir(dir: &Path) -> Result<Decoder, DataError> {
        let snap = dir.join(SNAPSHOT_FILE);
        let db = dir.join(SQLITE_FILE);
        let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let fresh = match (mtime(&snap), mtime(&db)) {
            (Some(s), Some(d)) => s >= d,
            (Some(_), None) => true,
            _ => false,
        };
        if fresh {
            match Decoder::load_snapshot(&snap) {
                Ok(d) => return Ok(d),
                Err(e) if !db.exists() => return Err(e),
                Err(_) => {}
            }
        }
        let d = Decoder::from_sqlite(&db)?;
        // A read-only data directory still decodes from memory; once written, the snapshot is used in
        // place (its pages shared with every other process that opens it).
        if d.write_snapshot(&snap).is_ok()
            && let Ok(mapped) = Decoder::load_snapshot(&snap)
        {
            return Ok(mapped);
        }
        Ok(d)
    }

    /// Pins the clock vPIC's procedure reads (current year for the model-year limit, today for WMI
    /// availability). Used by tests to stay reproducible.
    pub fn with_clock(mut self, year: u16, day_since_1970: i32) -> Decoder {
        self.clock_year = year;
        self.clock_day = day_since_1970;
        self
    }

    /// Identity of the loaded data.
    pub fn identity(&self) -> &DataIdentity {
        &self.data.identity
    }

    /// Decodes one VIN (with repair candidates when it looks mistyped).
    pub fn decode(&self, input: &str, model_year: Option<u16>) -> Decoded<'_> {
        self.decode_with(
            input,
            DecodeOptions {
                model_year,
                repairs: true,
            },
        )
    }

    /// Decodes one VIN with options.
    pub fn decode_with(&self, input: &str, options: DecodeOptions) -> Decoded<'_> {
        let mut d = output::decode(self, input, options.model_year);
        if options.repairs {
            d.repairs = repair::candidates(self, &d);
        }
        d
    }

    /// The flat DecodeVinValues-style object: every element code → value (`""` when empty), with `VIN`,
    /// ordered as NHTSA's output lists them.
    pub fn flat_values<'d>(&'d self, d: &'d Decoded<'_>) -> Vec<(&'d str, &'d str)> {
        output::flat(self, d)
    }

    /// Diagnostics: the model-year passes vPIC's procedure runs for a VIN and how each ranks
    /// (error value, element weight, pattern count, year).
    #[doc(hidden)]
    pub fn pass_scores(
        &self,
        input: &str,
        model_year: Option<u16>,
    ) -> Vec<(Option<u16>, PassScore)> {
        let vin = vin::normalize(input);
        let (_, passes) = procedure::decode_passes(&self.data, &vin, model_year, self.clock());
        passes
            .iter()
            .map(|p| (p.year, procedure::pass_score(&self.data, p, model_year)))
            .collect()
    }

    pub(crate) fn data(&self) -> &Data {
        &self.data
    }

    /// Whether two handles share one index.
    pub fn same_data(&self, other: &Decoder) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }

    pub(crate) fn clock(&self) -> procedure::Clock {
        procedure::Clock {
            year: self.clock_year,
            day: self.clock_day,
        }
    }
}
