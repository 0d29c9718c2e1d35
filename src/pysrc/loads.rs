//! How code uses each string literal that may name an image: as the path argument of
//! `adafruit_imageload.load(...)`, of `displayio.OnDiskBitmap(...)`, or anything else (another
//! function — a library such as PortalBase's `set_background` may open it with OnDiskBitmap —,
//! a variable, a concatenation). Only the first is safe to re-encode as RLE or PNG.

use super::lexer::{lex, Tk, Token};
use super::StrLit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiteralUse {
    /// The whole first argument of `adafruit_imageload.load(...)` (under any import alias).
    Imageload,
    /// The whole first argument of `displayio.OnDiskBitmap(...)`.
    OnDiskBitmap,
    /// Anything else, described for the plan (`passed to set_background`, `assigned or
    /// stored`).
    Other(String),
}

/// Every top-level string literal of `src` with how it is used.
pub fn literal_uses(src: &str) -> Vec<(StrLit, LiteralUse)> {
    let lexed = lex(src);
    let toks = &lexed.tokens;
    let text = |t: &Token| src.get(t.start..t.end).unwrap_or("");
    let aliases = Aliases::find(toks, &text);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Tk::Str {
            continue;
        }
        let Some(lit) = lexed.strings.iter().find(|s| s.span.start == t.start) else {
            continue;
        };
        let how = if lit.is_fstring() {
            LiteralUse::Other("a path built at run time (f-string)".into())
        } else {
            classify(toks, i, &text, &aliases)
        };
        out.push((lit.clone(), how));
    }
    out
}

/// Names under which this file can call the two loaders.
#[derive(Default)]
struct Aliases {
    /// `adafruit_imageload` module names (`import adafruit_imageload as il` → `il`).
    imageload_modules: Vec<String>,
    /// Bare names bound to `adafruit_imageload.load`.
    load_functions: Vec<String>,
    displayio_modules: Vec<String>,
    ondisk_functions: Vec<String>,
}

impl Aliases {
    fn find<'s>(toks: &[Token], text: &impl Fn(&Token) -> &'s str) -> Aliases {
        let mut a = Aliases::default();
        let word = |i: usize| toks.get(i).map(text).unwrap_or("");
        for i in 0..toks.len() {
            match word(i) {
                // import adafruit_imageload [as x]
                "import" if word(i.wrapping_sub(2)) != "from" || i < 2 => {
                    let module = word(i + 1);
                    let alias = if word(i + 2) == "as" {
                        word(i + 3)
                    } else {
                        module
                    };
                    match module {
                        "adafruit_imageload" => a.imageload_modules.push(alias.into()),
                        "displayio" => a.displayio_modules.push(alias.into()),
                        _ => {}
                    }
                }
                // from adafruit_imageload import load [as x], …
                "from" => {
                    let (module, mut j) = (word(i + 1), i + 3);
                    if word(i + 2) != "import" {
                        continue;
                    }
                    if word(j) == "(" {
                        j += 1;
                    }
                    while let Some(t) = toks.get(j).filter(|t| t.kind == Tk::Name) {
                        let name = text(t);
                        let (alias, next) = if word(j + 1) == "as" {
                            (word(j + 2), j + 3)
                        } else {
                            (name, j + 1)
                        };
                        match (module, name) {
                            ("adafruit_imageload", "load") => a.load_functions.push(alias.into()),
                            ("displayio", "OnDiskBitmap") => a.ondisk_functions.push(alias.into()),
                            _ => {}
                        }
                        if word(next) != "," {
                            break;
                        }
                        j = next + 1;
                    }
                }
                _ => {}
            }
        }
        a.displayio_modules.push("displayio".into());
        a.imageload_modules.push("adafruit_imageload".into());
        a
    }
}

fn classify<'s>(
    toks: &[Token],
    i: usize,
    text: &impl Fn(&Token) -> &'s str,
    aliases: &Aliases,
) -> LiteralUse {
    let word = |k: usize| toks.get(k).map(text).unwrap_or("");
    let prev = i.checked_sub(1).map(word).unwrap_or("");
    let next = word(i + 1);
    let whole_argument = (prev == "(" || prev == ",") && (next == ")" || next == ",");
    if toks.get(i + 1).is_some_and(|t| t.kind == Tk::Str)
        || (i > 0 && toks.get(i - 1).is_some_and(|t| t.kind == Tk::Str))
    {
        return LiteralUse::Other("joined with another string".into());
    }
    if !whole_argument || matches!(next, "+" | "%" | "[" | ".") {
        return LiteralUse::Other("assigned, stored or combined at run time".into());
    }
    if prev != "(" {
        return LiteralUse::Other("passed as a later argument".into());
    }
    // The callee: NAME or NAME.NAME just before the parenthesis.
    let Some(open) = i.checked_sub(1) else {
        return LiteralUse::Other("not in a call".into());
    };
    let callee = match (
        open.checked_sub(3).map(word),
        open.checked_sub(2).map(word),
        open.checked_sub(1).map(word),
    ) {
        (Some(m), Some("."), Some(f)) if is_name(m) && is_name(f) => {
            // `x.m.f(`: a longer dotted name is some other object's method.
            if open.checked_sub(4).map(word) == Some(".") {
                return LiteralUse::Other(format!("passed to {m}.{f}"));
            }
            (Some(m), f)
        }
        (_, _, Some(f)) if is_name(f) => (None, f),
        _ => return LiteralUse::Other("not in a call".into()),
    };
    let has = |v: &[String], s: &str| v.iter().any(|x| x == s);
    match callee {
        (Some(m), "load") if has(&aliases.imageload_modules, m) => LiteralUse::Imageload,
        (None, f) if has(&aliases.load_functions, f) => LiteralUse::Imageload,
        (Some(m), "OnDiskBitmap") if has(&aliases.displayio_modules, m) => LiteralUse::OnDiskBitmap,
        (None, f) if has(&aliases.ondisk_functions, f) => LiteralUse::OnDiskBitmap,
        (Some(m), f) => LiteralUse::Other(format!("passed to {m}.{f}")),
        (None, f) => LiteralUse::Other(format!("passed to {f}")),
    }
}

fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(src: &str) -> Vec<(String, LiteralUse)> {
        literal_uses(src)
            .into_iter()
            .map(|(l, u)| (l.value, u))
            .collect()
    }

    #[test]
    fn imageload_calls_under_every_import_form() {
        let src = "import adafruit_imageload\nimport adafruit_imageload as il\n\
                   from adafruit_imageload import load as ld\n\
                   a = adafruit_imageload.load('/a.bmp', bitmap=displayio.Bitmap)\n\
                   b = il.load(\"b.bmp\")\nc = ld('c.bmp')\n";
        let u = uses(src);
        assert!(u.iter().all(|(_, u)| *u == LiteralUse::Imageload), "{u:?}");
        assert_eq!(u.len(), 3);
    }

    #[test]
    fn everything_else_is_not_imageload() {
        let src = "import displayio\nfrom displayio import OnDiskBitmap as ODB\n\
                   import adafruit_imageload\n\
                   o = displayio.OnDiskBitmap('/o.bmp')\np = ODB('/p.bmp')\n\
                   pyportal.set_background('/bg.bmp')\nname = '/n.bmp'\n\
                   x = adafruit_imageload.load('/dir/' + n)\ny = open('/y.bmp', 'rb')\n\
                   z = adafruit_imageload.load('/a' '.bmp')\nw = foo.adafruit_imageload.load('/w.bmp')\n\
                   v = adafruit_imageload.load(f'/{n}.bmp')\n";
        let u = uses(src);
        let get = |v: &str| u.iter().find(|(s, _)| s == v).map(|(_, u)| u.clone());
        assert_eq!(get("/o.bmp"), Some(LiteralUse::OnDiskBitmap));
        assert_eq!(get("/p.bmp"), Some(LiteralUse::OnDiskBitmap));
        assert_eq!(
            get("/bg.bmp"),
            Some(LiteralUse::Other(
                "passed to pyportal.set_background".into()
            ))
        );
        for v in ["/n.bmp", "/dir/", "/y.bmp", "/a", "/w.bmp", "/{n}.bmp"] {
            assert!(
                !matches!(get(v), Some(LiteralUse::Imageload) | None),
                "{v}: {:?}",
                get(v)
            );
        }
    }
}
