//! vPIC's `ErrorText` and `AdditionalErrorText` of the pass shown.

use crate::errors::{
    self, CHECK_DIGIT_EXCEPTION_NOTE, INCOMPLETE_NOTE, MODEL_YEAR_NOTE, OFF_ROAD_NOTE,
};
use crate::layout::Data;
use crate::procedure::pass::Pass;

impl Pass<'_> {
    /// vPIC's `ErrorText` and `AdditionalErrorText` of the pass (built only for the pass shown).
    pub(crate) fn texts(&self, data: &Data) -> (String, String) {
        let has = |c: u16| self.codes.contains(&c);
        let mut info: Option<String> = Some(String::new());
        if has(4) {
            info = Some(errors::additional(data, 4).to_string());
        }
        if has(5) {
            info = Some(errors::additional(data, 5).to_string());
        }
        let append = |info: &mut Option<String>, text: Option<String>| {
            *info = text.map(|t| {
                let s = format!("{}{}", info.as_deref().unwrap_or(""), t);
                truncate(s.trim(), 500)
            });
        };
        if has(14) {
            let t = self
                .unused
                .as_ref()
                .map(|u| format!(" Unused position(s): {u}. "));
            append(&mut info, t);
        }
        if has(400) {
            append(
                &mut info,
                Some(format!(" Invalid character(s): {}. ", &self.invalid[2..])),
            );
        }
        if self.incomplete {
            append(&mut info, Some(format!(" {INCOMPLETE_NOTE} ")));
        }
        if !self.conclusive {
            append(&mut info, Some(format!(" {MODEL_YEAR_NOTE} ")));
        }

        let mut error_text = String::with_capacity(128);
        for &c in &self.codes {
            if let Some(text) = errors::text(data, c) {
                if !error_text.is_empty() {
                    error_text.push_str("; ");
                }
                error_text.push_str(text);
                if self.off_road && c == 1 {
                    error_text.push_str(OFF_ROAD_NOTE.trim_end());
                } else if self.cd_exception && c == 0 {
                    error_text.push_str(CHECK_DIGIT_EXCEPTION_NOTE.trim_end());
                }
            }
        }
        (truncate(&error_text, 500), info.unwrap_or_default())
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect()
    }
}
