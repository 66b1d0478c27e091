//! Text scrubbing for everything that leaves the process for Sentry: VINs are cut to their first
//! 11 characters (the serial number singles out one vehicle), and tokens, secrets, credentials in
//! URLs and IP addresses are replaced. Pure string work, so it is tested without Sentry.

use std::{
    borrow::Cow,
    net::{Ipv4Addr, Ipv6Addr},
};

use regex::{Captures, Regex};

/// What replaces a token or secret.
pub const REDACTED: &str = "[redacted]";
/// What replaces an IP address.
pub const IP_REDACTED: &str = "[ip]";
/// VIN characters kept (WMI, descriptor, check digit, year, plant), as in stored history.
pub const VIN_KEPT: usize = 11;

/// Compiled patterns plus the exact secret values this process was configured with.
#[derive(Debug, Clone)]
pub struct Scrubber {
    secrets: Vec<String>,
    url_credentials: Regex,
    auth_scheme: Regex,
    key_value: Regex,
    telegram_token: Regex,
    vin: Regex,
    ipv4: Regex,
    ipv6: Regex,
}

/// One replacement pass: borrowed output means nothing matched.
type Step<'s> = dyn Fn(&str) -> Cow<'_, str> + 's;

/// Shorter configured values are not scrubbed by value (they would match ordinary text); the
/// patterns still catch them in `key=value` form.
const MIN_SECRET_LEN: usize = 8;

impl Scrubber {
    /// A scrubber that also replaces each of `secrets` (bot token, webhook secret, signing key,
    /// database password, ...) wherever it appears verbatim.
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let re = |pattern: &str| Regex::new(pattern).expect("scrubber pattern compiles");
        Self {
            secrets,
            url_credentials: re(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@"),
            auth_scheme: re(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}"),
            key_value: re(
                r#"(?i)([\w-]*(?:token|secret|password|passwd|api[_-]?key|apikey|authorization|cookie|dsn)[\w-]*)(["']?\s*[:=]\s*["']?)([^\s"'&,;}]+)"#,
            ),
            telegram_token: re(r"\d{5,12}:[A-Za-z0-9_-]{30,}"),
            vin: re(r"(?i)\b[A-Z0-9]{17}\b"),
            ipv4: re(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),
            ipv6: re(r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%\w+)?"),
        }
    }

    /// The scrubbed text (borrowed when nothing matched).
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        let steps: [&Step<'_>; 7] = [
            &|t| {
                self.url_credentials
                    .replace_all(t, format!("${{1}}{REDACTED}@").as_str())
            },
            &|t| {
                self.auth_scheme
                    .replace_all(t, format!("${{1}} {REDACTED}").as_str())
            },
            &|t| {
                self.key_value
                    .replace_all(t, format!("${{1}}${{2}}{REDACTED}").as_str())
            },
            &|t| self.telegram_token.replace_all(t, REDACTED),
            &|t| {
                self.vin
                    .replace_all(t, |c: &Captures<'_>| vin_replacement(&c[0]))
            },
            &|t| {
                self.ipv4.replace_all(t, |c: &Captures<'_>| {
                    keep_unless(&c[0], c[0].parse::<Ipv4Addr>().is_ok())
                })
            },
            &|t| {
                self.ipv6.replace_all(t, |c: &Captures<'_>| {
                    let bare = c[0].split('%').next().unwrap_or_default();
                    keep_unless(&c[0], bare.parse::<Ipv6Addr>().is_ok())
                })
            },
        ];
        for step in steps {
            if let Cow::Owned(changed) = step(&out) {
                out = Cow::Owned(changed);
            }
        }
        out
    }

    /// Scrubs a string in place.
    pub fn scrub_in_place(&self, text: &mut String) {
        if let Cow::Owned(changed) = self.scrub(text) {
            *text = changed;
        }
    }

    /// Scrubs every string inside a JSON value (object keys stay).
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.scrub_in_place(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if is_secret_key(key) {
                        *v = serde_json::Value::String(REDACTED.to_owned());
                    } else {
                        self.scrub_json(v);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Field names whose values are secrets whatever they look like.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "api_key",
        "apikey",
        "api-key",
        "authorization",
        "cookie",
        "dsn",
    ]
    .iter()
    .any(|k| key.contains(k))
        || matches!(
            key.as_str(),
            "ip" | "ip_address" | "client_ip" | "remote_addr" | "peer"
        )
}

/// A 17-character run is a VIN when it has digits (a word of 17 letters is not).
fn vin_replacement(candidate: &str) -> String {
    let digits = candidate.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 3 && digits < candidate.len() {
        format!("{}******", &candidate[..VIN_KEPT])
    } else {
        candidate.to_owned()
    }
}

fn keep_unless(text: &str, is_ip: bool) -> String {
    if is_ip {
        IP_REDACTED.to_owned()
    } else {
        text.to_owned()
    }
}

/// Paths carry VINs; logs keep only the first 11 characters of a VIN-like segment.
pub fn redact_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.len() > 11 && seg.bytes().filter(u8::is_ascii_digit).count() >= 3 {
                format!(
                    "{}…",
                    &seg[..seg.char_indices().nth(11).map_or(seg.len(), |(i, _)| i)]
                )
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber() -> Scrubber {
        Scrubber::new(["sup3r-s3cret-signing-key".to_owned(), "short".to_owned()])
    }

    #[test]
    fn vins_keep_eleven_characters() {
        let s = scrubber();
        assert_eq!(
            s.scrub("decode of 1HGCM82633A004352 failed"),
            "decode of 1HGCM82633A****** failed"
        );
        assert_eq!(
            s.scrub("/api/v1/vins/1hgcm82633a004352?x=1"),
            "/api/v1/vins/1hgcm82633a******?x=1"
        );
        // Not VINs: a long word, a request id (32 hex characters), a short code.
        assert_eq!(
            s.scrub("INTERNATIONALIZED 0190a3b4c5d6e7f8a9b0c1d2e3f4a5b6 1HGCM"),
            "INTERNATIONALIZED 0190a3b4c5d6e7f8a9b0c1d2e3f4a5b6 1HGCM"
        );
    }

    #[test]
    fn tokens_and_secrets_are_replaced() {
        let s = scrubber();
        let bot = "123456789:AAF-fake-token-0123456789abcdefghijkl";
        assert_eq!(
            s.scrub(&format!(
                "POST https://api.telegram.org/bot{bot}/sendMessage"
            )),
            "POST https://api.telegram.org/bot[redacted]/sendMessage"
        );
        assert_eq!(
            s.scrub("key is sup3r-s3cret-signing-key here"),
            "key is [redacted] here"
        );
        let header = s.scrub("Authorization: Bearer abcdefghijklmnop");
        assert!(!header.contains("abcdefghijklmnop"), "{header}");
        assert_eq!(
            s.scrub("api_key=vbk_0123456789&x=1"),
            "api_key=[redacted]&x=1"
        );
        assert_eq!(
            s.scrub(r#"{"webhook_secret": "abc"}"#),
            r#"{"webhook_secret": "[redacted]"}"#
        );
        assert_eq!(
            s.scrub("postgres://vinbot:pg-password@db:5432/x"),
            "postgres://[redacted]@db:5432/x"
        );
        // Too short to scrub by value; ordinary text stays.
        assert_eq!(s.scrub("a short answer"), "a short answer");
    }

    #[test]
    fn ip_addresses_are_replaced() {
        let s = scrubber();
        assert_eq!(
            s.scrub("from 203.0.113.7 and 2001:db8::1 at 12:30:45"),
            "from [ip] and [ip] at 12:30:45"
        );
        assert_eq!(s.scrub("::1 connected"), "[ip] connected");
        assert_eq!(s.scrub("version 1.2.300.4"), "version 1.2.300.4");
    }

    #[test]
    fn json_values_are_scrubbed_and_secret_keys_blanked() {
        let s = scrubber();
        let mut v = serde_json::json!({
            "vin": "1HGCM82633A004352",
            "client_ip": "x",
            "nested": ["from 10.0.0.1", {"bot_token": 42}],
            "count": 3
        });
        s.scrub_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "vin": "1HGCM82633A******",
                "client_ip": "[redacted]",
                "nested": ["from [ip]", {"bot_token": "[redacted]"}],
                "count": 3
            })
        );
    }

    #[test]
    fn redacts_vin_segments_only() {
        assert_eq!(
            redact_path("/api/v1/vins/1HGCM82633A004352"),
            "/api/v1/vins/1HGCM82633A…"
        );
        assert_eq!(
            redact_path("/api/v1/makes/honda/models"),
            "/api/v1/makes/honda/models"
        );
    }
}
