//! The index as the decoder reads it, in place: the snapshot's sections are flat arrays of fixed-size
//! records ([`bytemuck::Pod`]) and one text blob, read straight from the mapped file (or from memory when
//! the index was just built), so opening the data deserialises no record of the big tables.
//!
//! Sections (each 8-byte aligned; see [`crate::snapshot`] for the file around them):
//! - `meta`: bincode of what every decode reads and is small (elements, conversions, engine models,
//!   NHTSA's step tables), decoded on open;
//! - `catalog`: bincode of the owned tables only the catalog routes read (makes, models, manufacturers, WMI
//!   details), decoded on the first catalog query;
//! - `text`: every name, key text and pattern attribute, UTF-8, referenced as (offset, length);
//! - flat records: attribute offsets, schemas, keys, constraints, patterns (keys, constraints and patterns
//!   of one schema are contiguous ranges), WMIs with their makes and schema links, lookup tables with their
//!   rows (the first three tables are the upper-cased names vPIC prints), and the makes of each model;
//! - hash indexes over the WMIs, the lookup rows and the models ([`hash_index`]), for the lookups every
//!   decode makes.
//!
//! A damaged section cannot make a decode panic: every offset and range read from the file is checked
//! ([`slice::get`]), and an index out of range reads as absent. Whether the content is intact is what the
//! digest says ([`crate::snapshot::verify`]).

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use bytemuck::{Pod, Zeroable};
use serde::{Deserialize, Serialize};

use crate::keys::{Constraint, KeyView};
use crate::model::{
    Conversion, DataIdentity, ElementInfo, ElementText, EnginePatternRec, FLAT_VIN, FastMap, Index,
    MakeInfo, ManufacturerInfo, ModelTypeRec, PatternRec, SpecSchema, StepTables, Upper, WmiRec,
    sorted, sorted_nested,
};

/// A string in the text section: offset and length.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, Pod, Zeroable)]
pub struct Str {
    off: u32,
    len: u32,
}

/// A schema: its name, its keys (a range of the key section) and what its keys imply.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct SchemaRec {
    /// `VinSchema.Id`.
    pub id: u32,
    name: Str,
    keys: [u32; 2],
    /// Bit 0: `VinSchema.TobeQCed`; bit 1: some key is a formula key.
    flags: u32,
    /// Union of the characters every key names per key-string position (`fExtractValidCharsPerWmiYear`).
    pub valid_chars: [u64; 15],
    /// Per key-string position 1-5 (VIN 4-8), the characters some key can match there: a schema whose
    /// keys cannot match the VIN is skipped without looking at its keys.
    pub reach: [u64; 5],
}

/// A distinct key of a schema with the patterns it carries (ranges of the text, constraint and pattern
/// sections).
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct Key {
    text_start: u32,
    cons_start: u32,
    /// Patterns with this key: a range of the pattern section, ascending by pattern id.
    pub start: u32,
    /// End of the range.
    pub end: u32,
    text_len: u8,
    cons_len: u8,
    /// Number of key-string positions the key spans.
    pub len: u8,
    /// Bit 0: formula key (`#`); bit 1: the key can never match.
    flags: u8,
}

impl Key {
    /// The key can never match.
    #[inline]
    pub fn never(&self) -> bool {
        self.flags & 2 != 0
    }
}

/// A schema linked to a WMI for a range of model years.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct Link {
    /// Index of the schema.
    pub schema: u32,
    /// First model year.
    pub year_from: u16,
    /// Last model year (0 = open).
    year_to: u16,
}

impl Link {
    /// Whether the link covers a model year (`None` = any year, as vPIC does without a year).
    #[inline]
    pub fn covers(&self, year: Option<u16>) -> bool {
        match year {
            None => true,
            Some(y) => y >= self.year_from && (self.year_to == 0 || y <= self.year_to),
        }
    }
}

/// `u32::MAX` stands for an absent id in the flat records.
const NONE: u32 = u32::MAX;

/// A WMI as stored: its text (padded with zeros) and what a decode reads of it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
struct WmiPod {
    key: [u8; 8],
    id: u32,
    manufacturer_id: u32,
    vehicle_type_id: u32,
    truck_type_id: u32,
    make_id: u32,
    /// Days since 1970 it is public from (`i32::MIN` = not public).
    public_day: i32,
    makes: [u32; 2],
    links: [u32; 2],
}

/// What a decode reads of a WMI.
#[derive(Debug, Clone, Copy)]
pub struct Wmi<'a> {
    /// `Wmi.ManufacturerId`.
    pub manufacturer_id: Option<u32>,
    /// `Wmi.VehicleTypeId`.
    pub vehicle_type_id: Option<u32>,
    /// `Wmi.TruckTypeId`.
    pub truck_type_id: Option<u32>,
    /// `Wmi.PublicAvailabilityDate` as days since 1970 (`None` = not public).
    pub public_day: Option<i32>,
    /// Makes (`Wmi_Make`).
    pub makes: &'a [u32],
    /// Linked schemas.
    pub links: &'a [Link],
}

/// A lookup table: its name, its rows (a range of the row section, ascending by id) and its hash index
/// (a range of the row-hash section: one index per table keeps the small tables' lookups in cache).
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
struct Table {
    name: Str,
    rows: [u32; 2],
    hash: [u32; 2],
}

/// A row of a lookup table.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
struct Row {
    id: u32,
    name: Str,
}

/// The makes of a model: a range of the model-make ids.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
struct Span {
    id: u32,
    range: [u32; 2],
}

/// What every decode reads and is small: decoded on open.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    elements: Vec<ElementInfo>,
    conversions: Vec<Conversion>,
    #[serde(serialize_with = "sorted")]
    engine_models: FastMap<String, Vec<EnginePatternRec>>,
    full_patterns: bool,
    steps: StepTables,
}

/// What only the catalog routes read, decoded on the first such query.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// Lookup tables by name: id → name.
    #[serde(serialize_with = "sorted_nested")]
    pub lookups: FastMap<String, FastMap<u32, Arc<str>>>,
    /// WMIs by text.
    #[serde(serialize_with = "sorted")]
    pub wmis: FastMap<String, WmiRec>,
    /// Makes, ascending by id.
    pub makes: Vec<MakeInfo>,
    /// Model names by id.
    #[serde(serialize_with = "sorted")]
    pub models: FastMap<u32, String>,
    /// Makes of a model (`Make_Model`).
    #[serde(serialize_with = "sorted")]
    pub model_makes: FastMap<u32, Vec<u32>>,
    /// Manufacturers, ascending by id.
    pub manufacturers: Vec<ManufacturerInfo>,
    /// Makes of a manufacturer (`Manufacturer_Make`).
    #[serde(serialize_with = "sorted")]
    pub manufacturer_makes: FastMap<u32, Vec<u32>>,
    /// Model ids per make with the model years their schemas cover (`year_from`, `year_to`).
    #[serde(serialize_with = "sorted")]
    pub make_models: FastMap<u32, Vec<(u32, u16, u16)>>,
}

/// The sections, in file order.
pub const SECTIONS: [&str; 21] = [
    "meta",
    "catalog",
    "text",
    "strings",
    "schemas",
    "keys",
    "cons",
    "patterns",
    "wmis",
    "wmimakes",
    "wmilinks",
    "tables",
    "rows",
    "models",
    "modmakes",
    "wmihash",
    "rowhash",
    "modelhash",
    "specs",
    "specidx",
    "exceptions",
];

/// A VIN with a check-digit exception, as stored (17 bytes, sorted).
type ExceptionVin = [u8; 17];

/// Mixes a key for the hash indexes (the finaliser of splitmix64).
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hash index over the records of a section, written with the snapshot: open addressing with linear
/// probing over a power-of-two number of slots, each slot 0 (empty) or a record's position + 1. The
/// decoder's hot lookups (WMIs, lookup names, the makes of a model) cost a hash and a probe or two, as
/// a hash map would, with nothing built on open.
fn hash_index(keys: impl ExactSizeIterator<Item = u64>) -> Vec<u32> {
    let slots = (keys.len() * 2).next_power_of_two().max(16);
    let mut table = vec![0u32; slots];
    for (i, k) in keys.enumerate() {
        let mut s = mix(k) as usize & (slots - 1);
        while table[s] != 0 {
            s = (s + 1) & (slots - 1);
        }
        table[s] = i as u32 + 1;
    }
    table
}

/// The position of the record with `key` in a [`hash_index`] (`is` tells whether a position holds it).
/// A damaged index finds nothing or a wrong record, never loops or reads out of bounds.
#[inline]
fn probe(slots: &[u32], key: u64, is: impl Fn(usize) -> bool) -> Option<usize> {
    if !slots.len().is_power_of_two() {
        return None;
    }
    let mask = slots.len() - 1;
    let mut s = mix(key) as usize & mask;
    for _ in 0..slots.len() {
        let v = *slots.get(s)?;
        if v == 0 {
            return None;
        }
        let r = (v - 1) as usize;
        if is(r) {
            return Some(r);
        }
        s = (s + 1) & mask;
    }
    None
}

/// The key of a WMI in its hash index.
fn wmi_key(key: &[u8; 8]) -> u64 {
    u64::from_le_bytes(*key)
}

fn bincode_config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Decoding refuses any length that would make a section claim more than this, so a damaged length
/// fails cleanly instead of allocating gigabytes.
const DECODE_LIMIT: usize = 256 << 20;

fn decode_bincode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    bincode::serde::decode_from_slice(bytes, bincode_config().with_limit::<DECODE_LIMIT>())
        .map(|(v, _)| v)
        .map_err(|e| e.to_string())
}

/// The text section being written: strings appended once each.
#[derive(Default)]
struct TextWriter {
    bytes: Vec<u8>,
    seen: std::collections::HashMap<String, Str>,
}

impl TextWriter {
    fn add(&mut self, s: &str) -> Str {
        if let Some(&t) = self.seen.get(s) {
            return t;
        }
        let t = Str {
            off: self.bytes.len() as u32,
            len: s.len() as u32,
        };
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_owned(), t);
        t
    }

    /// Appends without looking for an earlier copy (key texts: many, short, rarely shared).
    fn push(&mut self, s: &str) -> u32 {
        let off = self.bytes.len() as u32;
        self.bytes.extend_from_slice(s.as_bytes());
        off
    }
}

fn pod_bytes<T: Pod>(v: &[T]) -> Vec<u8> {
    bytemuck::cast_slice(v).to_vec()
}

fn range(start: usize, end: usize) -> [u32; 2] {
    [start as u32, end as u32]
}

/// Lays an index out as the snapshot's sections (in [`SECTIONS`] order).
pub fn sections(index: &Index) -> Result<Vec<Vec<u8>>, String> {
    let mut text = TextWriter::default();
    // The vehicle-spec schemas (thousands, with their patterns) and the check-digit exceptions (tens of
    // thousands of VINs) of the full data have sections of their own, read when a decode needs them.
    let meta = Meta {
        elements: index.elements.clone(),
        conversions: index.conversions.clone(),
        engine_models: index.engine_models.clone(),
        full_patterns: index.full_patterns,
        steps: StepTables {
            spec_schemas: Vec::new(),
            check_digit_exceptions: Vec::new(),
            ..index.steps.clone()
        },
    };
    let (mut specs, mut specidx) = (Vec::new(), vec![0u32]);
    for schema in &index.steps.spec_schemas {
        specs.extend(encode(schema)?);
        specidx.push(specs.len() as u32);
    }
    let mut exceptions: Vec<ExceptionVin> = index
        .steps
        .check_digit_exceptions
        .iter()
        .filter_map(|v| v.as_bytes().try_into().ok())
        .collect();
    exceptions.sort_unstable();
    exceptions.dedup();
    let catalog = Catalog {
        lookups: index.lookups.clone(),
        wmis: index.wmis.clone(),
        makes: index.makes.clone(),
        models: index.models.clone(),
        model_makes: index.model_makes.clone(),
        manufacturers: index.manufacturers.clone(),
        manufacturer_makes: index.manufacturer_makes.clone(),
        make_models: index.make_models.clone(),
    };
    let mut strings = Vec::with_capacity(index.strings.len() + 1);
    for s in &index.strings {
        strings.push(text.add(s).off);
        strings.push(text.bytes.len() as u32);
    }
    // Attribute i is text[strings[2i]..strings[2i + 1]].
    let (mut schemas, mut keys, mut cons, mut patterns) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in &index.schemas {
        let first_key = keys.len();
        for k in &s.keys {
            let t = k.text_start as usize;
            let key_text = s.key_text.get(t..t + k.text_len as usize).unwrap_or("");
            let c = k.cons_start as usize;
            let p = k.start as usize..k.end as usize;
            let cons_start = cons.len() as u32;
            cons.extend_from_slice(s.constraints.get(c..c + k.cons_len as usize).unwrap_or(&[]));
            let start = patterns.len() as u32;
            patterns.extend_from_slice(s.patterns.get(p).unwrap_or(&[]));
            keys.push(Key {
                text_start: text.push(key_text),
                cons_start,
                start,
                end: patterns.len() as u32,
                text_len: k.text_len,
                cons_len: k.cons_len,
                len: k.len,
                flags: u8::from(k.formula) | u8::from(k.never) << 1,
            });
        }
        schemas.push(SchemaRec {
            id: s.id,
            name: text.add(&s.name),
            keys: range(first_key, keys.len()),
            flags: u32::from(s.to_be_qced) | u32::from(s.has_formula) << 1,
            valid_chars: s.valid_chars,
            reach: s.reach,
        });
    }
    let mut wmi_list: Vec<(&String, &WmiRec)> = index.wmis.iter().collect();
    wmi_list.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let (mut wmis, mut wmi_makes, mut wmi_links) = (Vec::new(), Vec::new(), Vec::new());
    for (name, w) in wmi_list {
        let mut key = [0u8; 8];
        for (k, b) in key.iter_mut().zip(name.bytes()) {
            *k = b;
        }
        let makes_start = wmi_makes.len();
        wmi_makes.extend_from_slice(&w.makes);
        let links_start = wmi_links.len();
        wmi_links.extend(w.links.iter().map(|l| Link {
            schema: l.schema,
            year_from: l.year_from,
            year_to: l.year_to.unwrap_or(0),
        }));
        wmis.push(WmiPod {
            key,
            id: w.id,
            manufacturer_id: w.manufacturer_id.unwrap_or(NONE),
            vehicle_type_id: w.vehicle_type_id.unwrap_or(NONE),
            truck_type_id: w.truck_type_id.unwrap_or(NONE),
            make_id: w.make_id.unwrap_or(NONE),
            public_day: w.public_day.unwrap_or(i32::MIN),
            makes: range(makes_start, wmi_makes.len()),
            links: range(links_start, wmi_links.len()),
        });
    }
    let (mut tables, mut rows, mut rowhash) = (Vec::new(), Vec::new(), Vec::new());
    let mut add_table = |name: &str, mut entries: Vec<(u32, &str)>, text: &mut TextWriter| {
        entries.sort_unstable_by_key(|e| e.0);
        let start = rows.len();
        rows.extend(entries.iter().map(|&(id, n)| Row {
            id,
            name: text.add(n),
        }));
        let hash_start = rowhash.len();
        rowhash.extend(hash_index(entries.iter().map(|&(id, _)| u64::from(id))));
        tables.push(Table {
            name: text.add(name),
            rows: range(start, rows.len()),
            hash: range(hash_start, rowhash.len()),
        });
    };
    for (name, upper) in ["^VehicleType", "^Manufacturer", "^Make"]
        .iter()
        .zip(index.upper_names())
    {
        add_table(
            name,
            upper.iter().map(|(id, n)| (*id, n.as_str())).collect(),
            &mut text,
        );
    }
    let mut lookup_names: Vec<&String> = index.lookups.keys().collect();
    lookup_names.sort_unstable();
    for name in lookup_names {
        let entries = index.lookups[name]
            .iter()
            .map(|(id, n)| (*id, &**n))
            .collect();
        add_table(name, entries, &mut text);
    }
    let mut model_ids: Vec<(&u32, &Vec<u32>)> = index.model_makes.iter().collect();
    model_ids.sort_unstable();
    let (mut models, mut modmakes) = (Vec::new(), Vec::new());
    for (id, makes) in model_ids {
        let start = modmakes.len();
        modmakes.extend_from_slice(makes);
        models.push(Span {
            id: *id,
            range: range(start, modmakes.len()),
        });
    }
    let wmihash = hash_index(wmis.iter().map(|w| wmi_key(&w.key)));
    let modelhash = hash_index(models.iter().map(|m| u64::from(m.id)));
    Ok(vec![
        encode(&meta)?,
        encode(&catalog)?,
        text.bytes,
        pod_bytes(&strings),
        pod_bytes(&schemas),
        pod_bytes(&keys),
        pod_bytes(&cons),
        pod_bytes(&patterns),
        pod_bytes(&wmis),
        pod_bytes(&wmi_makes),
        pod_bytes(&wmi_links),
        pod_bytes(&tables),
        pod_bytes(&rows),
        pod_bytes(&models),
        pod_bytes(&modmakes),
        pod_bytes(&wmihash),
        pod_bytes(&rowhash),
        pod_bytes(&modelhash),
        specs,
        pod_bytes(&specidx),
        pod_bytes(&exceptions),
    ])
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, String> {
    bincode::serde::encode_to_vec(v, bincode_config()).map_err(|e| e.to_string())
}

/// The bytes the index is read from: the mapped snapshot, or the file image in memory (just built).
pub enum Bytes {
    /// A mapped snapshot file.
    Mapped(memmap2::Mmap),
    /// A file image in memory, 8-byte aligned, and its length in bytes.
    Heap(Box<[u64]>, usize),
}

impl Bytes {
    /// A file image copied into aligned memory.
    pub fn heap(image: &[u8]) -> Bytes {
        let mut words = vec![0u64; image.len().div_ceil(8)].into_boxed_slice();
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..image.len()].copy_from_slice(image);
        Bytes::Heap(words, image.len())
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Heap(w, len) => &bytemuck::cast_slice::<u64, u8>(w)[..*len],
        }
    }
}

/// The flat sections, borrowed from [`Data::bytes`].
#[derive(Clone, Copy)]
struct Flat<'a> {
    text: &'a str,
    strings: &'a [u32],
    schemas: &'a [SchemaRec],
    keys: &'a [Key],
    cons: &'a [Constraint],
    patterns: &'a [PatternRec],
    wmis: &'a [WmiPod],
    wmi_makes: &'a [u32],
    wmi_links: &'a [Link],
    tables: &'a [Table],
    rows: &'a [Row],
    models: &'a [Span],
    modmakes: &'a [u32],
    wmihash: &'a [u32],
    rowhash: &'a [u32],
    modelhash: &'a [u32],
    specs: &'a [u8],
    specidx: &'a [u32],
    exceptions: &'a [ExceptionVin],
}

/// The index the decoder reads: the flat sections in place, the small tables decoded.
pub struct Data {
    /// Source, date and digest of the snapshot.
    pub identity: DataIdentity,
    /// Elements by id (ascending).
    pub elements: Vec<ElementInfo>,
    /// Conversions, ascending by id (formulas parsed on open).
    pub conversions: Vec<Conversion>,
    /// Engine-model patterns by lower-cased, trimmed engine model name.
    pub engine_models: FastMap<String, Vec<EnginePatternRec>>,
    /// The data has patterns for every element (a full vPIC conversion), not only the lite subset.
    pub full_patterns: bool,
    /// NHTSA's decoding tables beyond the patterns, empty when the data lacks them (the npm lite file);
    /// the vehicle-spec schemas and the check-digit exceptions are read from their sections instead
    /// ([`Data::spec_schema`], [`Data::check_digit_exception`]).
    pub steps: StepTables,
    /// Each vehicle-spec schema, decoded from its section the first time a decode needs it.
    spec_cache: Vec<OnceLock<Option<SpecSchema>>>,
    /// Position of each element id in `elements` (`u16::MAX` = none).
    element_pos: Vec<u16>,
    /// Code, name and group of each element (parallel to `elements`), shared by every result.
    element_text: Vec<ElementText>,
    /// Elements a VIN pattern may give (decodable, public, not a WMI fact), by id.
    pattern_elements: Vec<bool>,
    /// Element ids in the order of NHTSA's flat `DecodeVinValues` object (alphabetical by code).
    pub flat_order: Vec<u16>,
    /// Lookup tables by name: index into the table section.
    lookup_tables: FastMap<Box<str>, u32>,
    /// The catalog section's place in `bytes`, and the catalog once decoded.
    catalog_range: Range<usize>,
    catalog: OnceLock<Catalog>,
    /// The models of each make with the vehicle types of the WMIs whose schemas name them; built on the
    /// first catalog query that needs it (decodes never do).
    pub model_types: OnceLock<FastMap<u32, Vec<ModelTypeRec>>>,
    /// The flat sections. `'static` stands for "as long as `bytes`": they point into `bytes`, which
    /// never moves its contents and is dropped with them; they are only handed out for the lifetime of
    /// a borrow of `self` ([`Data::flat`]).
    flat: Flat<'static>,
    bytes: Bytes,
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Data")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

/// Why a snapshot's sections cannot be read.
pub type LayoutError = String;

fn typed<'a, T: Pod>(bytes: &'a [u8], name: &str) -> Result<&'a [T], LayoutError> {
    bytemuck::try_cast_slice(bytes).map_err(|e| format!("section {name}: {e:?}"))
}

/// A hash index section: its slots, a power of two of them.
fn hashed<'a>(bytes: &'a [u8], name: &str) -> Result<&'a [u32], LayoutError> {
    let slots: &[u32] = typed(bytes, name)?;
    if slots.len().is_power_of_two() {
        Ok(slots)
    } else {
        Err(format!("section {name}: {} slots", slots.len()))
    }
}

impl Data {
    /// Reads the index from a file image whose sections sit at `ranges` (in [`SECTIONS`] order; checked
    /// to lie within `bytes` by the caller).
    pub fn open(
        bytes: Bytes,
        ranges: &[Range<usize>],
        identity: DataIdentity,
    ) -> Result<Data, LayoutError> {
        // SAFETY: `all` borrows the contents of `bytes`: a mapping or a boxed slice, whose address does
        // not change when `bytes` moves. The slices made from it are stored next to `bytes` in the same
        // `Data`, never handed out beyond a borrow of that `Data` (see `Data::flat`), and have no `Drop`.
        #[allow(unsafe_code)]
        let all: &'static [u8] =
            unsafe { std::mem::transmute::<&[u8], &'static [u8]>(bytes.as_slice()) };
        let section = |i: usize| -> Result<&'static [u8], LayoutError> {
            ranges
                .get(i)
                .and_then(|r| all.get(r.clone()))
                .ok_or_else(|| format!("section {} missing", SECTIONS[i]))
        };
        let meta: Meta = decode_bincode(section(0)?).map_err(|e| format!("section meta: {e}"))?;
        let text = std::str::from_utf8(section(2)?).map_err(|e| format!("section text: {e}"))?;
        let flat = Flat {
            text,
            strings: typed(section(3)?, "strings")?,
            schemas: typed(section(4)?, "schemas")?,
            keys: typed(section(5)?, "keys")?,
            cons: typed(section(6)?, "cons")?,
            patterns: typed(section(7)?, "patterns")?,
            wmis: typed(section(8)?, "wmis")?,
            wmi_makes: typed(section(9)?, "wmimakes")?,
            wmi_links: typed(section(10)?, "wmilinks")?,
            tables: typed(section(11)?, "tables")?,
            rows: typed(section(12)?, "rows")?,
            models: typed(section(13)?, "models")?,
            modmakes: typed(section(14)?, "modmakes")?,
            wmihash: hashed(section(15)?, "wmihash")?,
            rowhash: typed(section(16)?, "rowhash")?,
            modelhash: hashed(section(17)?, "modelhash")?,
            specs: section(18)?,
            specidx: typed(section(19)?, "specidx")?,
            exceptions: typed(section(20)?, "exceptions")?,
        };
        let mut data = Data {
            identity,
            elements: meta.elements,
            conversions: meta.conversions,
            engine_models: meta.engine_models,
            full_patterns: meta.full_patterns,
            steps: meta.steps,
            spec_cache: std::iter::repeat_with(OnceLock::new)
                .take(flat.specidx.len().saturating_sub(1))
                .collect(),
            element_pos: Vec::new(),
            element_text: Vec::new(),
            pattern_elements: Vec::new(),
            flat_order: Vec::new(),
            lookup_tables: FastMap::default(),
            catalog_range: ranges.get(1).cloned().unwrap_or(0..0),
            catalog: OnceLock::new(),
            model_types: OnceLock::new(),
            flat,
            bytes,
        };
        data.derive();
        Ok(data)
    }

    /// The flat sections, for as long as `self` is borrowed.
    #[inline]
    fn flat(&self) -> &Flat<'_> {
        &self.flat
    }

    /// What the small tables imply: element positions and texts, the flat output's order, parsed
    /// conversions, the lookup tables by name.
    fn derive(&mut self) {
        for c in &mut self.conversions {
            c.parsed = Conversion::parse(&c.formula);
        }
        let max = self.elements.iter().map(|e| e.id).max().unwrap_or(0) as usize;
        self.element_pos = vec![u16::MAX; max + 1];
        for (i, e) in self.elements.iter().enumerate() {
            self.element_pos[e.id as usize] = i as u16;
        }
        self.element_text = self
            .elements
            .iter()
            .map(|e| ElementText {
                code: Arc::from(e.code.as_str()),
                name: Arc::from(e.name.as_str()),
                group: Arc::from(e.group.as_str()),
                group_rank: crate::elements::group_rank(&e.group),
            })
            .collect();
        self.pattern_elements = vec![false; max + 1];
        for e in &self.elements {
            self.pattern_elements[e.id as usize] =
                e.decode && !e.private && !crate::elements::NOT_FROM_PATTERNS.contains(&e.id);
        }
        let mut order: Vec<(String, u16)> = self
            .elements
            .iter()
            .filter(|e| e.decode && !e.private && !e.code.is_empty())
            .map(|e| (e.code.to_ascii_lowercase(), e.id))
            .collect();
        order.push(("vin".to_string(), FLAT_VIN));
        order.sort();
        self.flat_order = order.into_iter().map(|(_, id)| id).collect();
        let flat = self.flat;
        self.lookup_tables = flat
            .tables
            .iter()
            .enumerate()
            .skip(3)
            .map(|(i, t)| (Box::from(self.text(t.name)), i as u32))
            .collect();
    }

    /// A string of the text section.
    #[inline]
    fn text(&self, s: Str) -> &str {
        let start = s.off as usize;
        self.flat()
            .text
            .get(start..start.saturating_add(s.len as usize))
            .unwrap_or("")
    }

    /// Whether a VIN pattern may give this element.
    #[inline]
    pub fn is_pattern_element(&self, id: u16) -> bool {
        self.pattern_elements
            .get(id as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Shared strings of an element.
    #[inline]
    pub fn element_text(&self, id: u16) -> Option<&ElementText> {
        let p = *self.element_pos.get(id as usize)?;
        self.element_text.get(p as usize)
    }

    /// An element by id.
    #[inline]
    pub fn element(&self, id: u16) -> Option<&ElementInfo> {
        let p = *self.element_pos.get(id as usize)?;
        self.elements.get(p as usize)
    }

    /// An interned pattern attribute.
    #[inline]
    pub fn string(&self, i: u32) -> &str {
        let f = self.flat();
        let i = i as usize * 2;
        match (f.strings.get(i), f.strings.get(i + 1)) {
            (Some(&a), Some(&b)) => f.text.get(a as usize..b as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// The schema at an index of the schema section.
    #[inline]
    pub fn schema(&self, i: u32) -> Option<Schema<'_>> {
        Some(Schema {
            rec: self.flat().schemas.get(i as usize)?,
            data: self,
        })
    }

    /// A WMI by its text (3 or 6 characters).
    #[inline]
    pub fn wmi(&self, wmi: &str) -> Option<Wmi<'_>> {
        if wmi.len() > 8 {
            return None;
        }
        let mut key = [0u8; 8];
        key[..wmi.len()].copy_from_slice(wmi.as_bytes());
        let f = self.flat();
        let at = probe(f.wmihash, wmi_key(&key), |i| {
            f.wmis.get(i).is_some_and(|w| w.key == key)
        })?;
        let w = f.wmis.get(at)?;
        let id = |v: u32| (v != NONE).then_some(v);
        let r = |r: [u32; 2]| r[0] as usize..r[1] as usize;
        Some(Wmi {
            manufacturer_id: id(w.manufacturer_id),
            vehicle_type_id: id(w.vehicle_type_id),
            truck_type_id: id(w.truck_type_id),
            public_day: (w.public_day != i32::MIN).then_some(w.public_day),
            makes: f.wmi_makes.get(r(w.makes)).unwrap_or(&[]),
            links: f.wmi_links.get(r(w.links)).unwrap_or(&[]),
        })
    }

    fn table_name(&self, table: usize, id: u32) -> Option<&str> {
        let f = self.flat();
        let t = f.tables.get(table)?;
        let rows = f.rows.get(t.rows[0] as usize..t.rows[1] as usize)?;
        let slots = f.rowhash.get(t.hash[0] as usize..t.hash[1] as usize)?;
        let at = probe(slots, u64::from(id), |i| {
            rows.get(i).is_some_and(|r| r.id == id)
        })?;
        Some(self.text(rows.get(at)?.name))
    }

    /// The upper-cased name of a vehicle type, make or WMI manufacturer.
    #[inline]
    pub fn upper_name(&self, table: Upper, id: u32) -> Option<&str> {
        self.table_name(table as usize, id)
    }

    /// The name of a row of a lookup table.
    pub fn lookup_name(&self, table: &str, id: u32) -> Option<&str> {
        let t = *self.lookup_tables.get(table)?;
        self.table_name(t as usize, id)
    }

    /// A vehicle-spec schema by its index (decoded on first use; `None` if its bytes are damaged).
    pub fn spec_schema(&self, i: u32) -> Option<&SpecSchema> {
        let cell = self.spec_cache.get(i as usize)?;
        cell.get_or_init(|| {
            let f = self.flat();
            let (start, end) = (*f.specidx.get(i as usize)?, *f.specidx.get(i as usize + 1)?);
            decode_bincode(f.specs.get(start as usize..end as usize)?).ok()
        })
        .as_ref()
    }

    /// Whether a VIN has a check-digit exception (`VinException.CheckDigit`).
    pub fn check_digit_exception(&self, vin: &str) -> bool {
        let Ok(key) = <ExceptionVin>::try_from(vin.as_bytes()) else {
            return false;
        };
        self.flat().exceptions.binary_search(&key).is_ok()
    }

    /// The makes of a model (`Make_Model`).
    pub fn model_makes(&self, model: u32) -> &[u32] {
        let f = self.flat();
        probe(f.modelhash, u64::from(model), |i| {
            f.models.get(i).is_some_and(|s| s.id == model)
        })
        .and_then(|i| f.models.get(i))
        .and_then(|s| f.modmakes.get(s.range[0] as usize..s.range[1] as usize))
        .unwrap_or(&[])
    }

    /// The catalog tables, decoded on first use (an empty catalog if the section is damaged).
    pub fn catalog(&self) -> &Catalog {
        self.catalog.get_or_init(|| {
            self.bytes
                .as_slice()
                .get(self.catalog_range.clone())
                .and_then(|b| decode_bincode(b).ok())
                .unwrap_or_default()
        })
    }

    /// The whole file image the index is read from.
    pub fn image(&self) -> &[u8] {
        self.bytes.as_slice()
    }
}

/// A schema as the procedure reads it.
#[derive(Clone, Copy)]
pub struct Schema<'a> {
    rec: &'a SchemaRec,
    data: &'a Data,
}

impl<'a> Schema<'a> {
    /// `VinSchema.Id`.
    #[inline]
    pub fn id(&self) -> u32 {
        self.rec.id
    }

    /// `VinSchema.Name`.
    pub fn name(&self) -> &'a str {
        self.data.text(self.rec.name)
    }

    /// `VinSchema.TobeQCed`.
    #[inline]
    pub fn tobe_qced(&self) -> bool {
        self.rec.flags & 1 != 0
    }

    /// Some key is a formula key (`#`).
    #[inline]
    pub fn has_formula(&self) -> bool {
        self.rec.flags & 2 != 0
    }

    /// Union of the characters every key names per key-string position.
    #[inline]
    pub fn valid_chars(&self) -> &'a [u64; 15] {
        &self.rec.valid_chars
    }

    /// Whether some key could match these key-string slots (the `reach` filter).
    #[inline]
    pub fn may_match(&self, slots: &[u8; 16]) -> bool {
        self.rec
            .reach
            .iter()
            .zip(&slots[1..6])
            .all(|(r, &s)| r >> s & 1 == 1)
    }

    /// Its keys.
    #[inline]
    pub fn keys(&self) -> &'a [Key] {
        self.data
            .flat()
            .keys
            .get(self.rec.keys[0] as usize..self.rec.keys[1] as usize)
            .unwrap_or(&[])
    }

    /// The constraints of one of its keys.
    #[inline]
    pub fn constraints_of(&self, k: &Key) -> &'a [Constraint] {
        let c = k.cons_start as usize;
        self.data
            .flat()
            .cons
            .get(c..c + k.cons_len as usize)
            .unwrap_or(&[])
    }

    /// The patterns of one of its keys, ascending by pattern id.
    #[inline]
    pub fn patterns_of(&self, k: &Key) -> &'a [PatternRec] {
        self.data
            .flat()
            .patterns
            .get(k.start as usize..k.end as usize)
            .unwrap_or(&[])
    }

    /// A view of one of its keys.
    #[inline]
    pub fn key(&self, k: &Key) -> KeyView<'a> {
        let t = k.text_start as usize;
        KeyView {
            text: self
                .data
                .flat()
                .text
                .get(t..t + k.text_len as usize)
                .unwrap_or(""),
            constraints: self.constraints_of(k),
            len: k.len,
            formula: k.flags & 1 != 0,
            never: k.never(),
        }
    }
}
