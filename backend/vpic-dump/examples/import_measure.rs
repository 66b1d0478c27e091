//! Measures an import outside the CLI: `cargo run --release -p vpic-dump --example import_measure DUMP OUTDIR`.
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = std::path::Path::new(&args[2]);
    let db = out.join("import.db");
    let _ = std::fs::remove_file(&db);
    let t = Instant::now();
    let r = vpic_dump::import(std::path::Path::new(&args[1]), &db, &mut |_, _| {}).unwrap();
    let t1 = t.elapsed();
    let d = vinbot_decoder::Decoder::from_sqlite_as(&db, "measure").unwrap();
    let t2 = t.elapsed();
    d.write_snapshot(&out.join("vpic.snapshot")).unwrap();
    let t3 = t.elapsed();
    eprintln!(
        "rows {} read {:?} index {:?} snapshot {:?}",
        r.rows(),
        t1,
        t2 - t1,
        t3 - t2
    );
}
