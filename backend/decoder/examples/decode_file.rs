//! Decodes `VIN` or `VIN,year` lines from a file (or stdin) into flat JSON Lines — the engine alone,
//! for parity work without the server: `cargo run --release -p vinbot-decoder --example decode_file -- FILE`.
//! `--full` writes the whole decode (values in order, provenance, codes, check digit) instead: the output to
//! compare when a change must leave results byte-identical.

use std::io::{BufRead, Write};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.first().is_some_and(|a| a == "--full");
    if full {
        args.remove(0);
    }
    let dir = std::env::var("VINBOT_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            let base = std::env::var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|_| {
                    PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache")
                });
            base.join("vinbot")
        });
    let t = std::time::Instant::now();
    let decoder = vinbot_decoder::Decoder::open_data_dir(&dir)?;
    eprintln!("loaded in {:?}", t.elapsed());
    let input: Box<dyn BufRead> = match args.first().map(String::as_str) {
        None | Some("-") => Box::new(std::io::stdin().lock()),
        Some(p) => Box::new(std::io::BufReader::new(std::fs::File::open(p)?)),
    };
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let t = std::time::Instant::now();
    let mut n = 0;
    for line in input.lines() {
        let line = line?;
        let (vin, year) = match line.split_once(',') {
            Some((v, y)) => (v, y.trim().parse().ok()),
            None => (line.as_str(), None),
        };
        let d = decoder.decode_with(
            vin,
            vinbot_decoder::DecodeOptions {
                model_year: year,
                repairs: false,
            },
        );
        if full {
            writeln!(out, "{}", serde_json::to_string(&d)?)?;
            n += 1;
            continue;
        }
        let map: serde_json::Map<String, serde_json::Value> = decoder
            .flat_values(&d)
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        writeln!(out, "{}", serde_json::Value::Object(map))?;
        n += 1;
    }
    out.flush()?;
    eprintln!("decoded {n} in {:?}", t.elapsed());
    Ok(())
}
