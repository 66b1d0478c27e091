//! The decoder as a library, as README.md ("use the decoder from my own Rust program") shows it:
//! load the data directory once, decode, read the flat vPIC fields. Compiled with every
//! `cargo clippy --all-targets`; run it with `cargo run -p vinbot-decoder --example library [VIN]`.

use std::path::PathBuf;

use vinbot_decoder::{DecodeOptions, Decoder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The directory with vpic.snapshot (or vpic.lite.db) that scripts/fetch-vpic-data and
    // `vinbot data build` produce; ~/.cache/vinbot unless VINBOT_DATA_DIR says otherwise.
    let dir = std::env::var_os("VINBOT_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/vinbot")
        });
    let vin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1HGCM82633A004352".to_owned());

    // Load once per process (milliseconds from the snapshot); the handle is `Copy`.
    let decoder = Decoder::open_data_dir(&dir)?;
    let decoded = decoder.decode_with(
        &vin,
        DecodeOptions {
            model_year: None,
            repairs: true,
        },
    );
    println!(
        "{} {:?} errors {:?}",
        decoded.vin, decoded.model_year, decoded.error_codes
    );
    // vPIC's DecodeVinValues fields, in vPIC's order; the empty ones left out here.
    for (code, value) in decoder.flat_values(&decoded) {
        if !value.is_empty() {
            println!("{code}: {value}");
        }
    }
    let data = decoder.identity();
    println!("data: {} of {}", data.source, data.data_date);
    Ok(())
}
