//! Telegram's HTML parse mode: escaping every dynamic string, and splitting long replies on line
//! boundaries so each message stays under the Bot API's 4,096-character limit.

/// Longest message text the Bot API accepts (characters after entity parsing; we count the raw
/// HTML, which is never shorter, so a part that fits here fits there).
pub const MAX_MESSAGE_CHARS: usize = 4096;

/// Escapes `&`, `<`, `>` and `"`, the characters Telegram's HTML parser treats specially.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits `text` into parts of at most `max` characters, cutting only between lines. A single
/// line longer than `max` is cut inside, but never within an HTML tag or entity (our lines keep
/// each tag pair on one line, so a cut between them leaves both parts well formed only when the
/// line has no tags; such long lines are plain escaped text in practice).
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let max = max.max(16);
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    for line in text.split('\n') {
        let line_len = line.chars().count();
        let needed = if current.is_empty() {
            line_len
        } else {
            line_len + 1
        };
        if current_len + needed <= max {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
            current_len += needed;
            continue;
        }
        if !current.trim().is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.clear();
        current_len = 0;
        if line_len <= max {
            current.push_str(line);
            current_len = line_len;
        } else {
            let mut pieces = cut_long_line(line, max);
            if let Some(last) = pieces.pop() {
                parts.extend(pieces);
                current_len = last.chars().count();
                current = last;
            }
        }
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

/// Cuts one overlong line into pieces of at most `max` characters, moving each cut back before
/// an unfinished `<tag>` or `&entity;`.
fn cut_long_line(line: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    while chars.len() - start > max {
        let mut cut = start + max;
        // Look back a little for an opening `<` or `&` without its closing character.
        let window_start = cut.saturating_sub(12).max(start + 1);
        if let Some(open) = (window_start..cut)
            .rev()
            .find(|&i| chars[i] == '<' || chars[i] == '&')
        {
            let closer = if chars[open] == '<' { '>' } else { ';' };
            if !chars[open..cut].contains(&closer) {
                cut = open;
            }
        }
        pieces.push(chars[start..cut].iter().collect());
        start = cut;
    }
    pieces.push(chars[start..].iter().collect());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_specials() {
        assert_eq!(
            escape(r#"<b>"A&B"</b>"#),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
        assert_eq!(escape("Привет"), "Привет");
    }

    #[test]
    fn splits_on_line_boundaries_under_the_limit() {
        let line = "x".repeat(30);
        let text = vec![line.clone(); 10].join("\n");
        let parts = split_message(&text, 100);
        assert!(parts.iter().all(|p| p.chars().count() <= 100));
        assert!(parts.iter().all(|p| p.split('\n').all(|l| l == line)));
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn cuts_an_overlong_line_outside_entities() {
        let text = format!("{}&amp;{}", "a".repeat(97), "b".repeat(50));
        let parts = split_message(&text, 100);
        assert!(parts.iter().all(|p| p.chars().count() <= 100));
        assert!(parts[1].starts_with("&amp;"), "{parts:?}");
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn counts_characters_not_bytes() {
        let text = "я".repeat(4096);
        assert_eq!(split_message(&text, MAX_MESSAGE_CHARS).len(), 1);
    }
}
