//! Fitting the human report to a terminal: long lines wrap at spaces, continuation lines are
//! indented under their first line. Colour escapes take no columns.

/// Columns `s` takes on a terminal (ANSI colour sequences count zero).
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// Wrap one line to `width` columns. Continuation lines start with the line's own indent plus
/// four spaces; a word longer than a line is cut (a path must not push past the edge).
pub fn wrap_line(line: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    if visible_len(line) <= width {
        return vec![line.to_string()];
    }
    let indent = line.len() - line.trim_start().len();
    let cont = " ".repeat((indent + 4).min(width / 2));
    let mut lines = Vec::new();
    let mut cur = line[..indent].to_string();
    let mut cur_len = indent;
    let mut fresh = true;
    for word in line[indent..].split(' ') {
        let wlen = visible_len(word);
        let sep = usize::from(!fresh);
        if !fresh && cur_len + sep + wlen > width {
            lines.push(std::mem::replace(&mut cur, cont.clone()));
            cur_len = cont.len();
            fresh = true;
        }
        if !fresh {
            cur.push(' ');
            cur_len += 1;
        }
        let mut rest = word;
        while cur_len + visible_len(rest) > width && visible_len(rest) > width - cont.len() {
            // Only plain text is cut this way; escapes sit in short headings and tags.
            let room = width - cur_len;
            let cut = rest.char_indices().nth(room).map_or(rest.len(), |(i, _)| i);
            cur.push_str(&rest[..cut]);
            lines.push(std::mem::replace(&mut cur, cont.clone()));
            cur_len = cont.len();
            rest = &rest[cut..];
        }
        cur.push_str(rest);
        cur_len += visible_len(rest);
        fresh = false;
    }
    lines.push(cur);
    lines
}

/// Wrap every line of a rendered report.
pub fn wrap_all(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        for l in wrap_line(line, width) {
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_is_wider_than_the_terminal() {
        let long = format!(
            "  fonts      warning   84.8 KiB               fonts/x.bdf  ({})",
            "not converted: the PCF would be larger; ".repeat(8)
        );
        let path = format!("  {}", "a/".repeat(120));
        for line in [long.as_str(), path.as_str(), "short"] {
            let wrapped = wrap_line(line, 80);
            assert!(wrapped.iter().all(|l| visible_len(l) <= 80), "{wrapped:?}");
            // Nothing is lost: the words come back in order.
            let joined: String = wrapped
                .iter()
                .map(|l| l.trim())
                .collect::<Vec<_>>()
                .join(" ");
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(joined.replace(' ', ""), words.concat(), "{wrapped:?}");
        }
        assert_eq!(wrap_line("short", 80), vec!["short"]);
        assert!(wrap_line(&long, 80).len() > 3);
    }

    #[test]
    fn colour_takes_no_columns() {
        assert_eq!(visible_len("\x1b[33mwarning\x1b[0m"), 7);
    }
}
