//! Diagnostics for parity work: prints the model-year passes of each VIN read from stdin.
use std::io::BufRead;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::var("VINBOT_DATA_DIR")?);
    let d = vinbot_decoder::Decoder::open_data_dir(&dir)?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        println!("{line}\t{:?}", d.pass_scores(line.trim(), None));
    }
    Ok(())
}
