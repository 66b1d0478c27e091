//! A document of VINs: `getFile`, download from `{base}/file/bot{token}/{path}` (size-capped),
//! decode every line, send the decodes back as a CSV with `sendDocument`. Long files get a
//! progress message that is edited as the work advances.

use std::time::{Duration, Instant};

use frankenstein::{
    methods::{EditMessageTextParams, GetFileParams, SendMessageParams},
    types::{Document, File, Message},
};

use super::{
    client::BotApiError,
    handler::Handler,
    i18n::Texts,
    render::{CSV_HEADER, csv_row},
    vins::find_vins,
};

/// VINs decoded between two progress updates (and between yields to the runtime).
const CHUNK: usize = 250;
/// Least time between two progress edits (the chat is paced at one message a second anyway).
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// True for files we read as text: a text MIME type or a `.txt`/`.csv`/`.tsv` name.
fn looks_like_text(doc: &Document) -> bool {
    let mime_ok = doc.mime_type.as_deref().is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.starts_with("text/") || m == "application/csv" || m == "application/vnd.ms-excel"
    });
    let name_ok = doc.file_name.as_deref().is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".txt") || n.ends_with(".csv") || n.ends_with(".tsv")
    });
    mime_ok || name_ok
}

/// The VIN of each line (the first VIN-like token of the line), in order, with the line's text.
fn vins_of(text: &str, max: usize) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let vin = find_vins(line).into_iter().next()?;
            Some((line.trim().chars().take(64).collect(), vin))
        })
        .take(max)
        .collect()
}

/// Handles a document sent to the bot.
pub(crate) async fn handle(
    h: &Handler,
    m: &Message,
    doc: &Document,
    t: &Texts,
) -> Result<(), BotApiError> {
    let max = h.options.max_document_bytes;
    if doc.file_size.is_some_and(|n| n > max) {
        return h
            .send_html(m, format!("{} {}", t.file_too_large, max / 1024), None)
            .await;
    }
    if !looks_like_text(doc) {
        return h.send_html(m, t.file_not_text.to_owned(), None).await;
    }
    let params = GetFileParams::builder()
        .file_id(doc.file_id.clone())
        .build();
    let file: File = h.api.call("getFile", None, &params).await?;
    let Some(path) = file.file_path else {
        return h.send_html(m, t.file_failed.to_owned(), None).await;
    };
    let bytes = match h.api.download(&path, max).await {
        Ok(b) => b,
        Err(BotApiError::TooLarge(_)) => {
            return h
                .send_html(m, format!("{} {}", t.file_too_large, max / 1024), None)
                .await;
        }
        Err(err) => {
            tracing::warn!(error = %err, "document download failed");
            return h.send_html(m, t.file_failed.to_owned(), None).await;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => return h.send_html(m, t.file_not_text.to_owned(), None).await,
    };
    let lines = vins_of(
        text.trim_start_matches('\u{feff}'),
        h.options.max_document_vins,
    );
    if lines.is_empty() {
        return h.send_html(m, t.file_no_vins.to_owned(), None).await;
    }
    let total = lines.len();
    let progress = if total > h.options.progress_threshold {
        let params = SendMessageParams::builder()
            .chat_id(m.chat.id)
            .text(format!("{} 0/{total}", t.file_progress))
            .build();
        h.api
            .call::<_, Message>("sendMessage", Some(m.chat.id), &params)
            .await
            .ok()
    } else {
        None
    };
    let user_id = m.from.as_ref().and_then(|u| i64::try_from(u.id).ok());
    let mut csv = String::with_capacity(total * 160);
    csv.push_str(CSV_HEADER);
    csv.push('\n');
    let mut last_progress = Instant::now();
    for (done, chunk) in lines.chunks(CHUNK).enumerate() {
        let decoder = h.decoder();
        let owned: Vec<(String, String)> = chunk.to_vec();
        // Decoding with repair search is CPU work: keep it off the async workers.
        // Rows and history events are made where the decodes are (results borrow the decoder).
        let decoded = tokio::task::spawn_blocking(move || {
            owned
                .into_iter()
                .map(|(input, vin)| {
                    let started = Instant::now();
                    let d = decoder.decode(&vin, None);
                    let event = Handler::event(&d, started.elapsed(), user_id);
                    (csv_row(&input, &d), event)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| BotApiError::Transport(format!("decode task failed: {e}")))?;
        for (row, event) in decoded {
            h.record_event(event);
            csv.push_str(&row);
            csv.push('\n');
        }
        let finished = ((done + 1) * CHUNK).min(total);
        if let Some(p) = &progress
            && finished < total
            && last_progress.elapsed() >= PROGRESS_EVERY
        {
            last_progress = Instant::now();
            edit_progress(h, p, format!("{} {finished}/{total}", t.file_progress)).await;
        }
    }
    if let Some(p) = &progress {
        edit_progress(h, p, format!("{} {total}/{total}", t.file_progress)).await;
    }
    let name = doc
        .file_name
        .as_deref()
        .and_then(|n| n.rsplit_once('.').map(|(stem, _)| stem))
        .filter(|s| !s.is_empty())
        .map_or_else(
            || "vins".to_owned(),
            |s| {
                s.chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
                    .take(40)
                    .collect()
            },
        );
    h.api
        .send_document(
            m.chat.id,
            &format!("{name}-decoded.csv"),
            csv.into_bytes(),
            &format!("{} {total}", t.file_done),
            Some(m.message_id),
        )
        .await
}

async fn edit_progress(h: &Handler, progress: &Message, text: String) {
    let mut params = EditMessageTextParams::builder().text(text).build();
    params.chat_id = Some(progress.chat.id.into());
    params.message_id = Some(progress.message_id);
    if let Err(err) = h
        .api
        .call::<_, serde_json::Value>("editMessageText", Some(progress.chat.id), &params)
        .await
    {
        tracing::debug!(error = %err, "progress edit failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vin_per_line_in_order() {
        let text = "vin,year\n1HGCM82633A004352,2003\nnothing here\n5YJSA1E26HF000337\n";
        let got = vins_of(text, 10);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, "1HGCM82633A004352");
        assert_eq!(got[1].0, "5YJSA1E26HF000337");
    }
}
