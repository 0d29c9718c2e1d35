//! What the user's code loads and how it treats it, read from tokens: image and font loader
//! calls with a literal path, whether a loaded bitmap is changed afterwards, and labels whose
//! text is set again in a loop or function.

use std::collections::HashMap;

use crate::pysrc::{tokens, StrLit, Tk, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loader {
    ImageLoad,
    OnDiskBitmap,
    LoadFont,
    Terminalio,
}

impl Loader {
    pub fn as_str(self) -> &'static str {
        match self {
            Loader::ImageLoad => "adafruit_imageload.load",
            Loader::OnDiskBitmap => "displayio.OnDiskBitmap",
            Loader::LoadFont => "bitmap_font.load_font",
            Loader::Terminalio => "terminalio.FONT",
        }
    }
}

/// One load in the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub loader: Loader,
    pub line: usize,
    /// The path as written, when it is a plain literal (directly, through `open("…")`, or
    /// through a name assigned that literal exactly once). `None`: built at run time.
    pub path: Option<String>,
    /// The name the result is assigned to (first of a tuple), e.g. `bitmap` or `self.bg`.
    pub target: Option<String>,
    /// The code changes the loaded bitmap (item assignment, a method call on it, or a
    /// bitmaptools call that names it).
    pub modified: bool,
}

/// A `label.Label(...)` whose text is set again inside a loop or a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelabeledLabel {
    pub line: usize,
    /// The font argument as written (`terminalio.FONT`, or a name).
    pub font: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CodeUses {
    pub loads: Vec<Load>,
    pub labels: Vec<RelabeledLabel>,
}

struct Src<'a> {
    src: &'a str,
    toks: Vec<Token>,
    lits: Vec<StrLit>,
}

impl Src<'_> {
    fn text(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.src.get(t.start..t.end))
            .unwrap_or("")
    }
    fn kind(&self, i: usize) -> Option<Tk> {
        self.toks.get(i).map(|t| t.kind)
    }
    fn is_op(&self, i: usize, op: &str) -> bool {
        self.kind(i) == Some(Tk::Op) && self.text(i) == op
    }
    /// A lone `=` (not `==`, `<=`, …).
    fn is_assign(&self, i: usize) -> bool {
        self.is_op(i, "=")
            && !self.is_op(i + 1, "=")
            && !(i > 0 && matches!(self.text(i - 1), "=" | "<" | ">" | "!"))
    }
    /// `+=`, `//=`, `<<=` … starting at `i` (operators are one-character tokens).
    fn is_augmented(&self, i: usize) -> bool {
        let op = |k: usize, set: &str| {
            self.kind(k) == Some(Tk::Op) && self.text(k).len() == 1 && set.contains(self.text(k))
        };
        if op(i, "+-*/%&|^@") && self.is_op(i + 1, "=") {
            return true;
        }
        op(i, "/*<>") && self.text(i) == self.text(i + 1) && self.is_op(i + 2, "=")
    }
    fn starts_line(&self, i: usize) -> bool {
        i == 0
            || matches!(
                self.kind(i - 1),
                Some(Tk::Newline | Tk::Indent | Tk::Dedent)
            )
    }
    fn lit(&self, i: usize) -> Option<&StrLit> {
        let start = self.toks.get(i)?.start;
        let k = self
            .lits
            .binary_search_by_key(&start, |l| l.span.start)
            .ok()?;
        self.lits.get(k)
    }
    /// A dotted name starting at `i` (`a.b.c`): its text and the index after it.
    fn dotted(&self, i: usize) -> Option<(String, usize)> {
        if self.kind(i) != Some(Tk::Name) || (i > 0 && self.is_op(i - 1, ".")) {
            return None;
        }
        let mut name = self.text(i).to_string();
        let mut j = i + 1;
        while self.is_op(j, ".") && self.kind(j + 1) == Some(Tk::Name) {
            name.push('.');
            name.push_str(self.text(j + 1));
            j += 2;
        }
        Some((name, j))
    }
    /// Index of the bracket closing the one at `open`.
    fn close(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for j in open..self.toks.len() {
            if self.kind(j) == Some(Tk::Op) {
                match self.text(j) {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return j;
                        }
                    }
                    _ => {}
                }
            }
        }
        self.toks.len()
    }
    /// The plain text of a literal string token at `i` that stands alone as an argument.
    fn plain_literal(&self, i: usize) -> Option<String> {
        let lit = self.lit(i)?;
        let alone = self.is_op(i + 1, ",") || self.is_op(i + 1, ")");
        (alone && !lit.is_bytes() && !lit.is_fstring()).then(|| lit.value.clone())
    }
}

/// Names assigned a plain string literal exactly once, and assigned nothing else.
fn constants(s: &Src) -> HashMap<String, String> {
    let mut count: HashMap<String, usize> = HashMap::new();
    let mut value: HashMap<String, String> = HashMap::new();
    for i in 0..s.toks.len() {
        if s.kind(i) == Some(Tk::Name) && s.is_assign(i + 1) {
            let name = s.text(i).to_string();
            *count.entry(name.clone()).or_default() += 1;
            let whole = s.kind(i + 3) == Some(Tk::Newline) || i + 3 >= s.toks.len();
            if let (Some(lit), true) = (s.lit(i + 2), whole) {
                if !lit.is_bytes() && !lit.is_fstring() {
                    value.insert(name, lit.value.clone());
                }
            }
        }
    }
    value.retain(|k, _| count.get(k) == Some(&1));
    value
}

/// The first argument of the call whose `(` is at `open`, when it is a literal path.
fn first_arg_path(s: &Src, open: usize, consts: &HashMap<String, String>) -> Option<String> {
    let a = open + 1;
    match s.kind(a)? {
        Tk::Str => s.plain_literal(a),
        Tk::Name if s.text(a) == "open" && s.is_op(a + 1, "(") => {
            let inner = s.plain_literal(a + 2)?;
            let end = s.close(a + 1);
            (s.is_op(end + 1, ",") || s.is_op(end + 1, ")")).then_some(inner)
        }
        Tk::Name if s.is_op(a + 1, ",") || s.is_op(a + 1, ")") => consts.get(s.text(a)).cloned(),
        _ => None,
    }
}

/// `x = call(...)` or `x, y = call(...)`: the first target, when the line starts with it.
fn target_of(s: &Src, call: usize) -> Option<String> {
    if call == 0 || !s.is_assign(call - 1) {
        return None;
    }
    let mut start = call - 1;
    while start > 0 && !s.starts_line(start) {
        start -= 1;
    }
    let (name, end) = s.dotted(start)?;
    (end == call - 1 || s.is_op(end, ",")).then_some(name)
}

/// Does the code change the bitmap bound to `target` anywhere in the file (a function defined
/// before the load may change it when called later)? Passing it to a function the file defines
/// counts as a change: this reader does not follow the call.
fn modified(s: &Src, target: &str) -> bool {
    let defs: Vec<&str> = (0..s.toks.len().saturating_sub(1))
        .filter(|&k| s.kind(k) == Some(Tk::Name) && s.text(k) == "def")
        .map(|k| s.text(k + 1))
        .collect();
    let mut i = 0;
    while i < s.toks.len() {
        if let Some((name, j)) = s.dotted(i) {
            if name == target && s.is_op(j, "[") {
                let end = s.close(j);
                if s.is_assign(end + 1) || s.is_augmented(end + 1) {
                    return true;
                }
            }
            // A method call on the bitmap itself: fill, blit, … all change pixels.
            if let Some(rest) = name.strip_prefix(target) {
                if rest.starts_with('.') && rest.len() > 1 && s.is_op(j, "(") {
                    return true;
                }
            }
            let user_def = defs.contains(&name.rsplit('.').next().unwrap_or(""));
            if (name.starts_with("bitmaptools.") || user_def) && s.is_op(j, "(") {
                let end = s.close(j);
                if (j + 1..end).any(|k| s.dotted(k).is_some_and(|(n, _)| n == target)) {
                    return true;
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    false
}

fn loader_of(name: &str) -> Option<Loader> {
    let last = name.rsplit('.').next().unwrap_or(name);
    if name == "imageload.load" || name.ends_with("_imageload.load") {
        Some(Loader::ImageLoad)
    } else if last == "OnDiskBitmap" {
        Some(Loader::OnDiskBitmap)
    } else if last == "load_font" {
        Some(Loader::LoadFont)
    } else {
        None
    }
}

/// A Label's font: its first positional argument, or its `font=` keyword.
fn font_arg(s: &Src, open: usize) -> Option<String> {
    let end = s.close(open);
    let value = |k: usize| {
        s.dotted(k)
            .filter(|(_, e)| s.is_op(*e, ",") || *e == end)
            .map(|(f, _)| f)
    };
    if !s.is_assign(open + 2) {
        return value(open + 1);
    }
    (open + 1..end)
        .find(|&k| {
            s.text(k) == "font"
                && s.is_assign(k + 1)
                && (s.is_op(k - 1, "(") || s.is_op(k - 1, ","))
        })
        .and_then(|k| value(k + 2))
}

fn is_label_class(name: &str) -> bool {
    name == "Label" || (name.ends_with("label.Label") && !name.ends_with("bitmap_label.Label"))
}

/// For each token, whether it sits inside a `for`/`while` body or a function body.
fn in_loop_or_def(s: &Src) -> Vec<bool> {
    let mut out = Vec::with_capacity(s.toks.len());
    let mut stack: Vec<bool> = Vec::new();
    let mut header = false;
    let mut last_header = false;
    for i in 0..s.toks.len() {
        match s.kind(i) {
            Some(Tk::Indent) => stack.push(last_header),
            Some(Tk::Dedent) => {
                stack.pop();
            }
            Some(Tk::Newline) => {
                last_header = header;
                header = false;
            }
            _ => {
                if s.starts_line(i) {
                    header = matches!(s.text(i), "for" | "while" | "def" | "async");
                }
            }
        }
        out.push(stack.iter().any(|b| *b));
    }
    out
}

/// Names `x` with an `x.text = …` inside a loop or function body.
fn text_set_in_loops(s: &Src) -> std::collections::HashSet<String> {
    let looped = in_loop_or_def(s);
    let mut out = std::collections::HashSet::new();
    for (k, inside) in looped.iter().enumerate() {
        if !inside || (k > 0 && s.is_op(k - 1, ".")) {
            continue;
        }
        if let Some((name, e)) = s.dotted(k) {
            if let Some(owner) = name.strip_suffix(".text") {
                if s.is_assign(e) {
                    out.insert(owner.to_string());
                }
            }
        }
    }
    out
}

/// Everything this analysis needs from one source file.
pub fn uses(src: &str) -> CodeUses {
    let (toks, lits) = tokens(src);
    let s = Src { src, toks, lits };
    let consts = constants(&s);
    let relabeled = text_set_in_loops(&s);
    let mut out = CodeUses::default();
    let mut terminal_seen = false;
    let mut i = 0;
    while i < s.toks.len() {
        let Some((name, j)) = s.dotted(i) else {
            i += 1;
            continue;
        };
        let line = s.toks.get(i).map_or(0, |t| t.line);
        if name == "terminalio.FONT" && !terminal_seen {
            terminal_seen = true;
            out.loads.push(Load {
                loader: Loader::Terminalio,
                line,
                path: None,
                target: None,
                modified: false,
            });
        }
        if s.is_op(j, "(") {
            if let Some(loader) = loader_of(&name) {
                let target = target_of(&s, i);
                let modified = target.as_deref().is_some_and(|t| modified(&s, t));
                out.loads.push(Load {
                    loader,
                    line,
                    path: first_arg_path(&s, j, &consts),
                    target,
                    modified,
                });
            } else if is_label_class(&name) {
                if let Some(t) = target_of(&s, i) {
                    let font = font_arg(&s, j);
                    if relabeled.contains(&t) {
                        out.labels.push(RelabeledLabel { line, font });
                    }
                }
            }
        }
        i = j;
    }
    out
}
