//! `vinbot apikey create|list|revoke`: manage API keys in the configured database.

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::{
    apikeys::{self, Scope},
    config::Settings,
    db,
};

/// `vinbot apikey …`.
#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it once (only its SHA-256 digest is stored).
    Create {
        /// A label (who or what uses the key).
        #[arg(long)]
        name: String,
        /// What the key may do.
        #[arg(long, value_enum, default_value_t = ScopeArg::Decode)]
        scope: ScopeArg,
    },
    /// List keys (never the secrets).
    List,
    /// Revoke a key by id or prefix (`vb_xxxxxxxx`).
    Revoke {
        /// Key id (UUID) or public prefix.
        key: String,
    },
}

/// `--scope`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    /// Decode routes with the key tier's quota.
    Decode,
    /// Operator endpoints too.
    Admin,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Self {
        match s {
            ScopeArg::Decode => Scope::Decode,
            ScopeArg::Admin => Scope::Admin,
        }
    }
}

/// Runs one `apikey` command.
pub fn run(command: ApiKeyCommand) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    db::adopt_legacy_sqlite(&settings)
        .context("moving the old history database out of the cache directory")?;
    runtime.block_on(async move {
        let url = settings.database_url.expose_secret();
        let conn = db::connect(url, &db::ConnectConfig::default())
            .await
            .context("connecting to the database")?;
        if db::backend_name(url)? == "sqlite" {
            // `vinbot serve` migrates SQLite at start too; a key may be created before that.
            db::migrate(&conn).await.context("migrating the database")?;
        }
        match command {
            ApiKeyCommand::Create { name, scope } => create(&conn, name, scope.into()).await,
            ApiKeyCommand::List => list(&conn).await,
            ApiKeyCommand::Revoke { key } => revoke(&conn, &key).await,
        }
    })
}

async fn create(
    conn: &sea_orm::DatabaseConnection,
    name: String,
    scope: Scope,
) -> anyhow::Result<()> {
    let generated = apikeys::generate();
    let stored = db::insert_api_key(
        conn,
        db::NewApiKey {
            prefix: generated.prefix.clone(),
            hash: generated.hash,
            name,
            scopes: vec![scope.as_str().to_owned()],
            created_at: chrono::Utc::now(),
        },
    )
    .await
    .context("storing the key")?;
    // The key alone on stdout (scripts capture it); the rest on stderr.
    println!("{}", generated.key);
    eprintln!(
        "Created API key {} (id {}, scope {}). It is shown only now; send it as the X-API-Key header.",
        stored.prefix,
        stored.id,
        scope.as_str()
    );
    Ok(())
}

async fn list(conn: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let keys = db::list_api_keys(conn).await.context("listing keys")?;
    println!("id\tprefix\tname\tscopes\tcreated_at\tlast_used_at\tstatus");
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "-".to_owned(),
            |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
    };
    for k in keys {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            k.id,
            k.prefix,
            k.name.replace(['\t', '\n'], " "),
            k.scopes.join(","),
            time(Some(k.created_at)),
            time(k.last_used_at),
            if k.is_active() { "active" } else { "revoked" }
        );
    }
    Ok(())
}

async fn revoke(conn: &sea_orm::DatabaseConnection, key: &str) -> anyhow::Result<()> {
    let id = match Uuid::parse_str(key) {
        Ok(id) => id,
        Err(_) => {
            let prefix = apikeys::parse(key).unwrap_or(key);
            db::find_api_key_by_prefix(conn, prefix)
                .await?
                .with_context(|| format!("no API key with id or prefix {prefix:?}"))?
                .id
        }
    };
    if db::revoke_api_key(conn, id, chrono::Utc::now()).await? {
        eprintln!("Revoked API key {id}.");
        Ok(())
    } else {
        anyhow::bail!("API key {id} is unknown or already revoked")
    }
}
