//! `vinbot data update`: finds NHTSA's monthly dumps on its download page (links to
//! `vPICList_lite_YYYY_MM.plain.zip`), downloads the newest (or the month asked for) into the data
//! directory with a progress bar, imports it and switches to it. Until the import has written the new
//! snapshot nothing in place changes; the downloaded file is removed however the update ends.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;

use super::{DataFailure, Imported, Store, import_dump};

/// NHTSA's vPIC API page, which links the monthly standalone database files.
pub const DEFAULT_PAGE: &str = "https://vpic.nhtsa.dot.gov/api/";
/// The download page is a small HTML page; anything far larger is not it.
const MAX_PAGE: usize = 8 << 20;
/// NHTSA's file is about 80 MB; refuse a body that keeps going far beyond.
const MAX_DUMP: u64 = 2 << 30;

/// A monthly dump listed on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// `YYYY_MM`.
    pub month: String,
    /// Absolute URL of the zip.
    pub url: String,
}

/// The dumps a download page links to, newest first (each month once).
pub fn listed(page_url: &str, html: &str) -> Vec<Listed> {
    let Ok(base) = reqwest::Url::parse(page_url) else {
        return Vec::new();
    };
    let Ok(re) =
        Regex::new(r#"(?i)href\s*=\s*["']([^"']*?vPICList_lite_(\d{4}_\d{2})\.plain\.zip)["']"#)
    else {
        return Vec::new();
    };
    let mut out: Vec<Listed> = re
        .captures_iter(html)
        .filter_map(|c| {
            Some(Listed {
                month: c.get(2)?.as_str().to_string(),
                url: base.join(c.get(1)?.as_str()).ok()?.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.month.cmp(&a.month));
    out.dedup_by(|a, b| a.month == b.month);
    out
}

fn client() -> Result<reqwest::Client, DataFailure> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("vinbot/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| DataFailure::Download(format!("cannot build the HTTP client: {e}")))
}

/// Finds, downloads, imports and switches to NHTSA's dump of `month` (default: the newest listed).
pub fn run(dir: &Path, page_url: &str, month: Option<&str>) -> Result<Imported, DataFailure> {
    if let Some(m) = month
        && vpic_dump::month_in(&format!("vPICList_lite_{m}")).as_deref() != Some(m)
    {
        return Err(DataFailure::NotListed(format!(
            "--month {m:?} is not a month of the form YYYY_MM"
        )));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DataFailure::Download(format!("cannot start the runtime: {e}")))?;
    let store = Store::new(dir);
    std::fs::create_dir_all(dir).map_err(|e| DataFailure::io(dir, e))?;
    let folder = Folder(store.scratch("vpic-download"));
    std::fs::create_dir_all(&folder.0).map_err(|e| DataFailure::io(&folder.0, e))?;
    let file = runtime.block_on(async {
        let client = client()?;
        let pick = find(&client, page_url, month).await?;
        let file = folder
            .0
            .join(format!("vPICList_lite_{}.plain.zip", pick.month));
        download(&client, &pick.url, &file).await?;
        Ok::<_, DataFailure>(file)
    })?;
    drop(runtime);
    let bar = super::progress::bar("importing");
    let mut progress = |done: u64, total: u64| super::progress::progress_to(&bar, done, total);
    let imported = import_dump(dir, &file, &mut progress);
    bar.finish_and_clear();
    imported
}

/// Removes a scratch folder when dropped.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn find(
    client: &reqwest::Client,
    page_url: &str,
    month: Option<&str>,
) -> Result<Listed, DataFailure> {
    let fail = |e: reqwest::Error| {
        DataFailure::Download(format!(
            "cannot fetch NHTSA's download page {page_url}: {e}"
        ))
    };
    let resp = client
        .get(page_url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(fail)?;
    let mut html = Vec::new();
    let mut resp = resp;
    while let Some(chunk) = resp.chunk().await.map_err(fail)? {
        html.extend_from_slice(&chunk);
        if html.len() > MAX_PAGE {
            return Err(DataFailure::Download(format!(
                "{page_url} is larger than {MAX_PAGE} bytes: not NHTSA's download page"
            )));
        }
    }
    let all = listed(page_url, &String::from_utf8_lossy(&html));
    let pick = match month {
        None => all.first().cloned(),
        Some(m) => all.iter().find(|l| l.month == m).cloned(),
    };
    pick.ok_or_else(|| {
        let months: Vec<&str> = all.iter().map(|l| l.month.as_str()).collect();
        DataFailure::NotListed(match month {
            Some(m) => format!(
                "{page_url} lists no dump of {m} (it lists: {})",
                months.join(", ")
            ),
            None => format!("{page_url} lists no vPICList_lite_YYYY_MM.plain.zip"),
        })
    })
}

async fn download(client: &reqwest::Client, url: &str, to: &Path) -> Result<(), DataFailure> {
    let fail = |e: reqwest::Error| DataFailure::Download(format!("cannot download {url}: {e}"));
    let mut resp = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(fail)?;
    let expected = resp.content_length();
    let bar = super::progress::bar("downloading");
    let mut file = std::fs::File::create(to).map_err(|e| DataFailure::io(to, e))?;
    let mut got = 0u64;
    while let Some(chunk) = resp.chunk().await.map_err(fail)? {
        file.write_all(&chunk).map_err(|e| DataFailure::io(to, e))?;
        got += chunk.len() as u64;
        if got > MAX_DUMP {
            return Err(DataFailure::Download(format!(
                "{url} is larger than {MAX_DUMP} bytes: not NHTSA's dump"
            )));
        }
        super::progress::progress_to(&bar, got, expected.unwrap_or(0));
    }
    bar.finish_and_clear();
    file.sync_all().map_err(|e| DataFailure::io(to, e))?;
    if let Some(n) = expected
        && n != got
    {
        return Err(DataFailure::Download(format!(
            "{url}: received {got} of {n} bytes"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_and_sorted() {
        let html = r#"<a href="/api/vPICList_lite_2026_09.plain.zip">Sep</a>
            <a HREF='https://other.example/x/vPICList_lite_2026_10.plain.zip'>Oct</a>
            <a href="vPICList_lite_2026_10.bak.zip">bak</a>
            <a href="/api/vPICList_lite_2026_09.plain.zip">again</a>"#;
        let l = listed("http://127.0.0.1:9/api/index.html", html);
        assert_eq!(
            l,
            vec![
                Listed {
                    month: "2026_10".into(),
                    url: "https://other.example/x/vPICList_lite_2026_10.plain.zip".into()
                },
                Listed {
                    month: "2026_09".into(),
                    url: "http://127.0.0.1:9/api/vPICList_lite_2026_09.plain.zip".into()
                },
            ]
        );
    }
}
