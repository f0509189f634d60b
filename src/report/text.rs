//! Text that fits a terminal without breaking ids: wrap and shorten at spaces only, so
//! `vpc-0a11ce00000000001` is never split across lines and can be copied or searched.

/// Display width of a line: every character counts one column (the marks and arrows
/// privpath prints are single-width).
pub fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// Words of `text` wrapped into lines of at most `width` columns, each after `indent`.
/// A word longer than the room stays whole on a line of its own.
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let room = width.saturating_sub(width_of(indent)).max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width_of(&line) + 1 + width_of(word) > room {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

/// `text` cut to at most `room` columns at a space, with `…` when anything was left
/// out: prose is shortened, a word (an id) is never cut.
pub fn shorten(text: &str, room: usize) -> String {
    if width_of(text) <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        let next = if out.is_empty() {
            width_of(word)
        } else {
            width_of(&out) + 1 + width_of(word)
        };
        if next + 1 > room {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // Do not end on a dangling separator.
    let trimmed = out.trim_end_matches([',', ';', ':', '(']);
    format!("{trimmed}…")
}

/// A fix's lines: commands (`aws …`, `privpath …`, `curl …`) whole on one line each, to
/// be copied, however wide; prose wrapped at spaces. The first line after `first`, the
/// rest after `rest` (same width).
pub fn fix_lines(fix: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in fix.lines() {
        let lead = if out.is_empty() { first } else { rest };
        let command = ["aws ", "privpath ", "curl "]
            .iter()
            .any(|c| line.trim_start().starts_with(c));
        if command {
            out.push(format!("{lead}{line}"));
        } else {
            for (k, l) in wrap(line, width, rest).into_iter().enumerate() {
                out.push(if k == 0 {
                    format!("{lead}{}", l.trim_start())
                } else {
                    l
                });
            }
        }
    }
    out
}

/// The width to draw for: `COLUMNS` when set, else the terminal's when stdout is one,
/// else a fixed width so piped and logged output is stable.
pub fn output_width(terminal: bool) -> usize {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c >= 40)
    {
        return cols;
    }
    if terminal {
        if let Some(w) = comfy_table::Table::new().width() {
            return usize::from(w).max(40);
        }
    }
    PIPED_WIDTH
}

/// Width when stdout is not a terminal and `COLUMNS` is unset.
pub const PIPED_WIDTH: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_and_shortening_never_split_a_word() {
        let text = "rtb-0a00000000000001a sends 10.1.2.0/24 to igw-0a00000000000000a, not to pcx-0fee0000000000001";
        for width in [20, 30, 45, 80] {
            for line in wrap(text, width, "  ") {
                for word in line.split_whitespace() {
                    assert!(
                        text.split_whitespace().any(|w| w == word),
                        "{word} was split"
                    );
                }
                assert!(width_of(&line) <= width.max(22) || line.split_whitespace().count() == 1);
            }
        }
        let short = shorten(text, 40);
        assert!(width_of(&short) <= 40, "{short}");
        assert!(short.ends_with('…'));
        assert!(short.starts_with("rtb-0a00000000000001a sends"));
        assert_eq!(shorten("fits", 10), "fits");
    }
}
