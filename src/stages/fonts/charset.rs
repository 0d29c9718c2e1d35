//! `--charset SPEC`: which glyphs a subset keeps.
//!
//! SPEC is a comma-separated list of `ascii` (U+20–U+7E), `latin1` (ascii + U+A0–U+FF),
//! `digits` (0-9 and ` .,:-+%°`), `auto` (ascii + the non-ASCII characters of the drive's string
//! literals), code points and ranges (`U+20AC`, `U+20-U+7E`, `0x20-0x7e`, `32-126`) and
//! `text:LITERAL`, which takes the rest of SPEC, commas included (so it comes last).

pub use super::error::CharsetError;

/// A set of code points; PCF can only hold the BMP, so anything above is only counted.
#[derive(Clone)]
pub struct CharSet {
    bmp: Vec<bool>,
    /// Requested code points above U+FFFF (they cannot be kept).
    pub beyond_bmp: Vec<u32>,
    /// `auto` was named: the caller adds the literals' characters.
    pub auto: bool,
}

impl std::fmt::Debug for CharSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CharSet({} chars)", self.iter().count())
    }
}

impl CharSet {
    pub fn empty() -> CharSet {
        CharSet {
            bmp: vec![false; 0x10000],
            beyond_bmp: Vec::new(),
            auto: false,
        }
    }

    pub fn insert(&mut self, c: u32) {
        match self.bmp.get_mut(c as usize) {
            Some(b) => *b = true,
            None if c <= 0x10FFFF
                && !self.beyond_bmp.contains(&c)
                && self.beyond_bmp.len() < 1000 =>
            {
                self.beyond_bmp.push(c);
            }
            None => {}
        }
    }

    fn insert_range(&mut self, lo: u32, hi: u32) {
        for c in lo..=hi.min(0xFFFF) {
            self.insert(c);
        }
        if hi > 0xFFFF {
            for c in lo.max(0x10000)..=hi.min(0x10000 + 999) {
                self.insert(c);
            }
        }
    }

    pub fn contains(&self, c: u32) -> bool {
        self.bmp.get(c as usize).copied().unwrap_or(false)
    }

    /// The BMP code points in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bmp
            .iter()
            .enumerate()
            .filter(|(_, b)| **b)
            .map(|(i, _)| i as u32)
    }
}

fn code_point(s: &str) -> Option<u32> {
    let s = s.trim();
    let v = if let Some(h) = s.strip_prefix("U+").or_else(|| s.strip_prefix("u+")) {
        u32::from_str_radix(h, 16).ok()?
    } else if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()?
    } else {
        s.parse().ok()?
    };
    (v <= 0x10FFFF).then_some(v)
}

pub fn parse(spec: &str) -> Result<CharSet, CharsetError> {
    let mut set = CharSet::empty();
    let mut rest = spec;
    while !rest.is_empty() {
        if let Some(text) = rest
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("text:"))
            .and_then(|_| rest.get(5..))
        {
            text.chars().for_each(|c| set.insert(c as u32));
            break;
        }
        let (item, tail) = rest.split_once(',').unwrap_or((rest, ""));
        rest = tail;
        let item = item.trim();
        match item.to_ascii_lowercase().as_str() {
            "" => {}
            "ascii" => set.insert_range(0x20, 0x7E),
            "latin1" => {
                set.insert_range(0x20, 0x7E);
                set.insert_range(0xA0, 0xFF);
            }
            "digits" => " .,:-+%\u{b0}0123456789"
                .chars()
                .for_each(|c| set.insert(c as u32)),
            "auto" => {
                set.insert_range(0x20, 0x7E);
                set.auto = true;
            }
            _ => {
                let (lo, hi) = match item.split_once('-') {
                    Some((a, b)) => (code_point(a), code_point(b)),
                    None => (code_point(item), code_point(item)),
                };
                match (lo, hi) {
                    (Some(lo), Some(hi)) if lo <= hi => set.insert_range(lo, hi),
                    _ => return Err(CharsetError::Item(item.to_string())),
                }
            }
        }
    }
    if set.iter().next().is_none() && set.beyond_bmp.is_empty() && !set.auto {
        return Err(CharsetError::Empty(spec.to_string()));
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_ranges() {
        let s = parse("ascii").expect("ascii");
        assert_eq!(s.iter().count(), 95);
        assert!(s.contains(0x20) && s.contains(0x7E) && !s.contains(0x7F));
        assert_eq!(parse("latin1").expect("l").iter().count(), 95 + 96);
        let d = parse("digits").expect("d");
        assert!(d.contains('°' as u32) && d.contains('7' as u32) && !d.contains('A' as u32));
        let r = parse("U+41-U+43, 0x61-0x62,U+20AC").expect("r");
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            vec![0x41, 0x42, 0x43, 0x61, 0x62, 0x20AC]
        );
        assert!(parse("auto").expect("auto").auto);
    }

    #[test]
    fn text_takes_the_rest() {
        let s = parse("digits,text:Hi, °C😀").expect("text");
        for c in "Hi, °C".chars() {
            assert!(s.contains(c as u32), "{c}");
        }
        assert_eq!(s.beyond_bmp, vec![0x1F600]);
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["asci", "U+7E-U+20", "U+110000", "", ",", "U+ZZ"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
