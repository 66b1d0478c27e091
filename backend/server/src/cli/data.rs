//! `vinbot data ...`: build, import, update, roll back and verify the vPIC snapshot of the data directory.

use std::path::PathBuf;

use clap::Subcommand;

use crate::data::{self, DataFailure, Switched, progress};

/// `vinbot data …`.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Build `vpic.snapshot` from `vpic.lite.db` in the data directory, or from any vPIC-layout SQLite.
    Build {
        /// The vPIC-layout SQLite to build from (default: `vpic.lite.db` in the data directory).
        #[arg(long)]
        sqlite: Option<PathBuf>,
    },
    /// Import NHTSA's monthly database dump (`vPICList_lite_YYYY_MM.plain.zip`, or the `.sql` inside).
    Import {
        /// The dump file.
        path: PathBuf,
    },
    /// Download NHTSA's newest monthly dump (or the one of `--month`), import it and switch to it.
    Update {
        /// The month to fetch, `YYYY_MM` (default: the newest listed).
        #[arg(long)]
        month: Option<String>,
        /// NHTSA's download page listing the monthly files.
        #[arg(long, env = "VINBOT_VPIC_DOWNLOAD_URL", default_value = data::update::DEFAULT_PAGE)]
        url: String,
    },
    /// Make the previous snapshot current again (the current one becomes the previous).
    Rollback,
    /// Load the current snapshot whole, checking its checksums, and print its identity.
    Verify,
}

/// Runs a data command in the data directory `dir`.
pub fn run(dir: &std::path::Path, command: DataCommand) -> anyhow::Result<()> {
    let result = match command {
        DataCommand::Build { sqlite: None } => data::build(dir).map(|s| print_switched(&s)),
        DataCommand::Build { sqlite: Some(db) } => {
            data::build_from_sqlite(dir, &db).map(|s| print_switched(&s))
        }
        DataCommand::Import { path } => {
            let bar = progress::bar("importing");
            let mut progress = |done: u64, total: u64| progress::progress_to(&bar, done, total);
            let imported = data::import_dump(dir, &path, &mut progress);
            bar.finish_and_clear();
            imported.map(|i| print_imported(&i))
        }
        DataCommand::Update { month, url } => {
            data::update::run(dir, &url, month.as_deref()).map(|i| print_imported(&i))
        }
        DataCommand::Rollback => data::Store::new(dir).rollback().map(|s| print_switched(&s)),
        DataCommand::Verify => data::verify(dir).map(|id| {
            println!("ok\t{}\t{}\t{}", id.source, id.data_date, id.digest);
        }),
    };
    result.map_err(|e: DataFailure| anyhow::anyhow!("[{}] {e}", e.code()))
}

fn print_switched(s: &Switched) {
    println!(
        "current\t{}\t{}\t{}",
        s.current.display(),
        s.identity.source,
        s.identity.digest
    );
    if let Some(p) = &s.previous {
        println!("previous\t{}\t{}", p.source, p.digest);
    }
    eprintln!("{APPLY_HINT}");
}

/// How a running server picks up a new snapshot (printed after each switch, on stderr so stdout stays
/// one record a line).
pub const APPLY_HINT: &str = "A running `vinbot serve` on this data directory keeps the data it loaded until it \
     reloads: send it SIGHUP (kill -HUP <pid>) or POST /api/v1/admin/data/reload with an admin API key. \
     Each machine reloads its own data directory.";

fn print_imported(i: &data::Imported) {
    eprintln!(
        "imported {} rows of {} tables (month {}, {}): read {:.1} s, index {:.1} s, snapshot {:.1} s",
        i.rows,
        i.tables,
        i.month.as_deref().unwrap_or("unknown"),
        i.file_sha256,
        i.seconds.0,
        i.seconds.1,
        i.seconds.2
    );
    print_switched(&i.switched);
}
