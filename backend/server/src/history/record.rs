//! Turning a served decode into a decode event for the recorder. Handlers get a
//! [`DecodeRecording`] for their channel and decode through it; without a database it only
//! decodes. Recording is a `try_send`: it never blocks or fails a request.

use std::time::{Duration, Instant};

use vinbot_decoder::{Decoded, Decoder, vin};

use crate::db::{Channel, DecodeEvent, recorder::RecorderHandle};

/// Request header naming the client; the web page sends `X-Vinbot-Client: web` so its
/// decodes count as channel `web` instead of `api`.
pub const CLIENT_HEADER: &str = "X-Vinbot-Client";

/// The channel of a v1 request: `web` when the `X-Vinbot-Client` header says so or when the
/// browser's `Origin` is one of the dashboard origins (the page on Vercel then needs no custom
/// header, which would cost a CORS preflight per VIN); else `api`. A statistic, not a control:
/// anyone can send either header.
pub fn v1_channel(
    client: Option<&str>,
    origin: Option<&str>,
    dashboard_origins: &[String],
) -> Channel {
    let says_web = client.is_some_and(|c| c.trim().eq_ignore_ascii_case("web"));
    let from_dashboard = origin.is_some_and(|o| dashboard_origins.iter().any(|d| d == o));
    if says_web || from_dashboard {
        Channel::Web
    } else {
        Channel::Api
    }
}

/// Records decodes of one request (cheap to clone into blocking tasks).
#[derive(Clone, Debug)]
pub struct DecodeRecording {
    channel: Channel,
    recorder: Option<RecorderHandle>,
    user_id: Option<i64>,
}

impl DecodeRecording {
    /// Recording for `channel` into `recorder`; a no-op without one (no database).
    pub fn new(recorder: Option<RecorderHandle>, channel: Channel) -> Self {
        Self {
            channel,
            recorder,
            user_id: None,
        }
    }

    /// Attributes the decodes to a Telegram user (the bot's history per user).
    pub fn with_user_id(mut self, user_id: i64) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// Decodes and records the decode with its latency.
    pub fn decode<'d>(
        &self,
        decoder: &'d Decoder,
        vin: &str,
        model_year: Option<u16>,
    ) -> Decoded<'d> {
        let started = Instant::now();
        let decoded = decoder.decode(vin, model_year);
        self.record(&decoded, started.elapsed());
        decoded
    }

    /// Like [`DecodeRecording::decode`] without the repair search, for answers that show vPIC's values
    /// only (the NHTSA-compatible routes, CSV).
    pub fn decode_values<'d>(
        &self,
        decoder: &'d Decoder,
        vin: &str,
        model_year: Option<u16>,
    ) -> Decoded<'d> {
        let started = Instant::now();
        let decoded = decoder.decode_with(
            vin,
            vinbot_decoder::DecodeOptions {
                model_year,
                repairs: false,
            },
        );
        self.record(&decoded, started.elapsed());
        decoded
    }

    /// Records a decode that took `latency` (for callers that answer only some decodes).
    pub fn record(&self, decoded: &Decoded<'_>, latency: Duration) {
        crate::observability::metrics::record_decode(self.channel.as_str(), &decoded.error_codes);
        if let Some(recorder) = &self.recorder {
            // A full buffer drops the event and counts it; the request does not care.
            let mut event = decode_event(self.channel, decoded, latency);
            event.user_id = self.user_id;
            recorder.record(event);
        }
    }
}

/// The event of one decode: WMI, make, model, model year, error codes and latency.
pub fn decode_event(channel: Channel, decoded: &Decoded<'_>, latency: Duration) -> DecodeEvent {
    let mut event = DecodeEvent::new(channel, decoded.vin.as_str(), latency)
        .with_error_codes(&decoded.error_codes);
    event.wmi = wmi(&decoded.vin);
    let value = |code: &str| {
        decoded
            .value(code)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    event.make = value("Make");
    event.model = value("Model");
    event.model_year = decoded.model_year.map(i32::from);
    event
}

/// The WMI of a VIN, when its first three characters are VIN characters (not `*`, not junk
/// from the NHTSA routes, which decode anything).
fn wmi(vin: &str) -> Option<String> {
    let head = vin.as_bytes().get(..3)?;
    if !vin.is_ascii() || !head.iter().all(|&c| vin::is_vin_char(c)) {
        return None;
    }
    let wmi = vin::wmi_owned(vin);
    // A small manufacturer's 6-character WMI with `*` in it is only known by its first three.
    if wmi.bytes().all(vin::is_vin_char) {
        Some(wmi)
    } else {
        Some(vin[..3].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_header_or_dashboard_origin_selects_the_web_channel() {
        let dash = vec!["https://vinbot.example".to_owned()];
        assert_eq!(v1_channel(Some("web"), None, &dash), Channel::Web);
        assert_eq!(v1_channel(Some(" WEB "), None, &dash), Channel::Web);
        assert_eq!(v1_channel(Some("curl"), None, &dash), Channel::Api);
        assert_eq!(v1_channel(None, None, &dash), Channel::Api);
        assert_eq!(
            v1_channel(None, Some("https://vinbot.example"), &dash),
            Channel::Web
        );
        assert_eq!(
            v1_channel(None, Some("https://other.example"), &dash),
            Channel::Api
        );
    }

    #[test]
    fn wmi_only_from_vin_characters() {
        assert_eq!(wmi("1HGCM82633A004352").as_deref(), Some("1HG"));
        assert_eq!(wmi("1G9AB12345K123456").as_deref(), Some("1G9123"));
        assert_eq!(wmi("1G9AB12345K***456").as_deref(), Some("1G9"));
        assert_eq!(wmi("**GCM"), None);
        assert_eq!(wmi("ÄHG"), None);
        assert_eq!(wmi("1H"), None);
    }
}
