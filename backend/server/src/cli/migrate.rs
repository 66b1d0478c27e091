//! `vinbot migrate`: applies the pending migrations to `DATABASE_URL` and says which. With
//! PostgreSQL it runs once per deploy (Fly's `release_command`); `vinbot serve` migrates SQLite
//! itself at start.

use anyhow::Context;
use migration::MigratorTrait;
use secrecy::ExposeSecret;

use crate::{config::Settings, db};

/// Runs the command; the report goes to stdout, logs to stderr.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    db::adopt_legacy_sqlite(settings)
        .context("moving the old history database out of the cache directory")?;
    let url = settings.database_url.expose_secret();
    let backend = db::backend_name(url)?;
    let shown = db::redact_url(url);
    // Not lazy: an unreachable database must fail the deploy step at once, clearly.
    let conn = db::connect(url, &db::ConnectConfig::default())
        .await
        .with_context(|| format!("connecting to {shown}"))?;
    let pending: Vec<String> = migration::Migrator::get_pending_migrations(&conn)
        .await
        .with_context(|| format!("reading the applied migrations of {shown}"))?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    db::migrate(&conn)
        .await
        .with_context(|| format!("migrating {shown}"))?;
    conn.close().await.ok();
    let total = migration::Migrator::migrations().len();
    if pending.is_empty() {
        println!("{backend} database {shown} is up to date ({total} migrations applied before)");
    } else {
        println!(
            "applied {} of {total} migrations to the {backend} database {shown}:",
            pending.len()
        );
        for name in &pending {
            println!("  {name}");
        }
    }
    Ok(())
}
