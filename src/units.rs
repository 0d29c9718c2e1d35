//! Sizes: IEC formatting for people, parsing of `--budget`-style sizes, cluster rounding.

/// Bytes a file of `size` bytes occupies on a FAT volume with `cluster`-byte clusters.
pub fn allocated(size: u64, cluster: u64) -> u64 {
    if cluster == 0 {
        return size;
    }
    size.div_ceil(cluster).saturating_mul(cluster)
}

/// `1.5 KiB`, `212.4 KiB`, `3.0 MiB`; plain bytes below 1 KiB.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Signed variant for deltas that can grow.
pub fn format_delta(delta: i64) -> String {
    if delta < 0 {
        format!("-{}", format_size(delta.unsigned_abs()))
    } else {
        format_size(delta as u64)
    }
}

/// `217,498`
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Why a size such as `--budget 2MiB` was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("invalid size '{0}': expected a number like 2MiB, 1900KB or 123456")]
    Number(String),
    /// `1900Kb`: `prefix` is the unit without its `b`, upper-cased (`K`).
    #[error("invalid size unit '{unit}' in '{text}': a lower-case b means bits; write {prefix}B (×1000) or {prefix}iB (×1024)")]
    Bits {
        unit: String,
        text: String,
        prefix: String,
    },
    #[error("invalid size unit '{unit}' in '{text}': use B, KB, KiB, MB, MiB, GB or GiB (K, M, G alone mean KiB, MiB, GiB)")]
    Unit { unit: String, text: String },
    #[error("size '{0}' is out of range")]
    OutOfRange(String),
    #[error("--budget {0}: the budget must be more than 0 bytes (e.g. 2MiB or 1900KB)")]
    ZeroBudget(String),
}

/// Parse a size: `123456` (bytes), `1900KB`, `2MiB`, `1.5M`. One rule, stated in the README:
/// `KB`/`MB`/`GB` (and `kB`) are decimal (1000, as on a datasheet); `KiB`/`MiB`/`GiB` and the
/// bare `K`/`k`/`M`/`G` are binary (1024, as `ls -h` prints them); `B` is bytes. A unit ending
/// in a lower-case `b` (`1900Kb`) is refused: `b` means bits.
pub fn parse_size(text: &str) -> Result<u64, SizeError> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    let value: f64 = num
        .parse()
        .map_err(|_| SizeError::Number(text.to_string()))?;
    if unit.len() > 1 && unit.ends_with('b') {
        return Err(SizeError::Bits {
            unit: unit.to_string(),
            text: text.to_string(),
            prefix: unit[..unit.len() - 1].to_ascii_uppercase(),
        });
    }
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" if unit != "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => {
            return Err(SizeError::Unit {
                unit: unit.to_string(),
                text: text.to_string(),
            })
        }
    };
    let bytes = value * mult as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(SizeError::OutOfRange(text.to_string()));
    }
    Ok(bytes.round() as u64)
}

/// `--budget`: a size greater than zero (nothing fits in no space, so 0 is surely a mistake).
pub fn parse_budget(text: &str) -> Result<u64, SizeError> {
    match parse_size(text)? {
        0 => Err(SizeError::ZeroBudget(text.to_string())),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_clusters() {
        assert_eq!(allocated(0, 512), 0);
        assert_eq!(allocated(1, 512), 512);
        assert_eq!(allocated(512, 512), 512);
        assert_eq!(allocated(513, 512), 1024);
        assert_eq!(allocated(4096, 0), 4096);
    }

    #[test]
    fn formats_iec() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1024), "1.0 KiB");
        assert_eq!(format_size(217_498), "212.4 KiB");
        assert_eq!(format_size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(format_delta(-2048), "-2.0 KiB");
        assert_eq!(group_thousands(217_498), "217,498");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("1900KB"), Ok(1_900_000));
        assert_eq!(parse_size("123456"), Ok(123_456));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("2XB").is_err());
        // One rule: K/k = KiB, KB/kB = 1000, lower-case b is bits and refused.
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("2KB"), Ok(2000));
        assert_eq!(parse_size("2kB"), Ok(2000));
        assert_eq!(parse_size("3B"), Ok(3));
        for bits in ["1900Kb", "2Mb", "2kib", "2b"] {
            let e = parse_size(bits).unwrap_err().to_string();
            assert!(e.contains("bits") || e.contains("unit"), "{bits}: {e}");
        }
        assert!(parse_size("1900Kb")
            .unwrap_err()
            .to_string()
            .contains("KB (×1000) or KiB"));
        assert!(parse_budget("0").is_err());
        assert!(parse_budget("0KB").is_err());
        assert_eq!(parse_budget("1"), Ok(1));
    }
}
