//! `vinbot telegram set-webhook|delete-webhook|webhook-info`: webhook management through
//! the same Bot API client the server uses (the token never reaches the output).

use anyhow::Context;
use clap::Subcommand;
use frankenstein::{
    methods::{DeleteWebhookParams, SetWebhookParams},
    updates::WebhookInfo,
};
use secrecy::ExposeSecret;

use crate::{
    config::Settings,
    telegram::client::{BotApi, ClientOptions},
};

/// Connections Telegram may open to the webhook at once.
const DEFAULT_MAX_CONNECTIONS: u32 = 40;

/// `vinbot telegram …`.
#[derive(Debug, Subcommand)]
pub enum TelegramCommand {
    /// Point Telegram at this server's webhook (with the secret token and the update kinds the bot handles).
    SetWebhook {
        /// Public HTTPS URL of `/telegram/webhook`, e.g. `https://vinbot.fly.dev/telegram/webhook`.
        #[arg(long)]
        url: String,
        /// Most simultaneous connections Telegram opens (1-100).
        #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS)]
        max_connections: u32,
        /// Drop updates that are waiting.
        #[arg(long)]
        drop_pending_updates: bool,
    },
    /// Remove the webhook.
    DeleteWebhook {
        /// Drop updates that are waiting.
        #[arg(long)]
        drop_pending_updates: bool,
    },
    /// Show Telegram's view of the webhook (URL, pending updates, last error).
    WebhookInfo,
}

pub use crate::telegram::intake::allowed_updates;

/// Runs a telegram subcommand.
pub fn run(command: TelegramCommand) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let tg = settings
        .telegram
        .context("the bot is off: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (or TELEGRAM_MODE=polling)")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async move {
        let api = BotApi::new(&tg, ClientOptions::default())?;
        match command {
            TelegramCommand::SetWebhook {
                url,
                max_connections,
                drop_pending_updates,
            } => {
                anyhow::ensure!(
                    tg.mode == crate::config::TelegramMode::Webhook,
                    "TELEGRAM_MODE=polling: a webhook would stop the polling; unset TELEGRAM_MODE and set TELEGRAM_WEBHOOK_SECRET"
                );
                anyhow::ensure!(url.starts_with("https://") || url.starts_with("http://"), "--url must be an https:// URL");
                anyhow::ensure!((1..=100).contains(&max_connections), "--max-connections must be 1-100");
                let params = SetWebhookParams::builder()
                    .url(url.clone())
                    .secret_token(tg.webhook_secret.expose_secret().to_owned())
                    .allowed_updates(allowed_updates())
                    .max_connections(max_connections)
                    .drop_pending_updates(drop_pending_updates)
                    .build();
                api.call::<_, bool>("setWebhook", None, &params).await?;
                println!("webhook set: {url} (max_connections {max_connections}, updates: message, callback_query, inline_query)");
            }
            TelegramCommand::DeleteWebhook {
                drop_pending_updates,
            } => {
                let params = DeleteWebhookParams::builder()
                    .drop_pending_updates(drop_pending_updates)
                    .build();
                api.call::<_, bool>("deleteWebhook", None, &params).await?;
                println!("webhook deleted");
            }
            TelegramCommand::WebhookInfo => {
                let info: WebhookInfo = api
                    .call("getWebhookInfo", None, &serde_json::json!({}))
                    .await?;
                println!("{}", serde_json::to_string_pretty(&info)?);
            }
        }
        Ok(())
    })
}
