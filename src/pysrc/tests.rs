use super::*;

fn values(src: &str) -> Vec<(String, String)> {
    string_literals(src)
        .into_iter()
        .map(|s| (s.prefix, s.value))
        .collect()
}

fn v(p: &str, s: &str) -> (String, String) {
    (p.to_string(), s.to_string())
}

#[test]
fn literal_spans_lines_and_prefixes() {
    let src = "x = 'a'\ny = Rb\"\\x41\" + BR'q'\n";
    let lits = string_literals(src);
    assert_eq!(lits.len(), 3);
    assert_eq!(lits[0].line, 1);
    assert_eq!(&src[lits[0].span.clone()], "'a'");
    assert_eq!(lits[1].line, 2);
    assert_eq!(&src[lits[1].span.clone()], "Rb\"\\x41\"");
    assert_eq!(lits[1].prefix, "rb");
    assert_eq!(lits[1].value, "\\x41", "raw keeps the backslash");
    assert_eq!(lits[2].prefix, "rb");
}

#[test]
fn escapes_are_decoded_in_plain_and_bytes_literals() {
    assert_eq!(
        values(r#"a = "t\tn\n\x41\101\u00e9\U0001F600\\\"\q" ; b = b'\xff\u00e9'"#),
        vec![
            v("", "t\tn\nAA\u{e9}\u{1F600}\\\"\\q"),
            v("b", "\u{ff}\\u00e9"),
        ]
    );
    // A backslash-newline inside a literal joins lines.
    assert_eq!(values("s = 'ab\\\ncd'\n"), vec![v("", "abcd")]);
    assert_eq!(values("s = u'x'\n"), vec![v("u", "x")]);
}

#[test]
fn triple_quotes_hold_quotes_and_newlines() {
    let src = "doc = \"\"\"one \"two\" ''three''\nfour\"\"\"\nz = '''a'b'''\nw = 'after'\n";
    let lits = string_literals(src);
    assert_eq!(lits[0].value, "one \"two\" ''three''\nfour");
    assert_eq!(lits[1].value, "a'b");
    assert_eq!(lits[1].line, 3);
    assert_eq!(lits[2].value, "after");
    assert_eq!(lits[2].line, 4);
}

#[test]
fn comments_and_hashes_in_strings() {
    let src = "# 'not a string'\nx = '#not a comment' # \"nor this\"\n";
    assert_eq!(values(src), vec![v("", "#not a comment")]);
}

#[test]
fn fstrings_keep_fields_and_yield_nested_literals() {
    let src = "p = f\"fonts/{name}.bdf\"\nq = f'{{x}} {d[\"k\"]!r:>{w}}'\n";
    assert_eq!(
        values(src),
        vec![
            v("f", "fonts/{name}.bdf"),
            v("f", "{x} {d[\"k\"]!r:>{w}}"),
            v("", "k"),
        ]
    );
    // Python 3.12: the same quote may be reused inside a replacement field.
    let src = "s = f\"{\", \".join(['a.bmp', f'{x}'])}\"\nafter = 'z'\n";
    let vals = values(src);
    assert_eq!(vals[0].0, "f");
    assert!(vals.contains(&v("", ", ")));
    assert!(vals.contains(&v("", "a.bmp")));
    assert_eq!(vals.last(), Some(&v("", "z")));
    // rf-strings: raw literal parts.
    assert_eq!(values(r"x = Rf'\d{n}'"), vec![v("rf", "\\d{n}")]);
}

#[test]
fn names_that_look_like_prefixes_are_not_strings() {
    let src = "rb = 1\nf = rb\nprint(f, 'x')\n";
    assert_eq!(values(src), vec![v("", "x")]);
    assert!(imports(src).is_ok());
}

#[test]
fn never_panics_on_garbage() {
    let inputs = [
        "'",
        "\"\"\"",
        "f'{",
        "f'{'",
        "f\"{x:{",
        "\\",
        "b'\u{e9}'",
        "(((",
        ")",
        "'\\x4'",
        "'\\N{abc",
        "f'{a!r:{b:{c}}}'",
        "\u{feff}x",
        "\t\x0c  x",
        "0x1e+5e-3",
        "é = 'ü'",
        "f'''{\n'''",
        "if x:\n",
        "  x\ny\n",
        "x = \"\\",
        "f'{x}}'",
        "r'\\",
    ];
    for s in inputs {
        let _ = string_literals(s);
        let _ = imports(s);
        let _ = possible_names(s);
    }
    let mut deep = String::new();
    for _ in 0..500 {
        deep.push_str("f'{");
    }
    let _ = string_literals(&deep);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
    let _ = string_literals(&String::from_utf8_lossy(&bytes));
}

fn mods(src: &str) -> Vec<(Option<String>, usize, Vec<String>, bool)> {
    imports(src)
        .expect("parses")
        .imports
        .into_iter()
        .map(|i| (i.module, i.level, i.names, i.in_try))
        .collect()
}

fn m(
    module: Option<&str>,
    level: usize,
    names: &[&str],
    in_try: bool,
) -> (Option<String>, usize, Vec<String>, bool) {
    (
        module.map(str::to_string),
        level,
        names.iter().map(|n| n.to_string()).collect(),
        in_try,
    )
}

#[test]
fn import_forms() {
    let src = "\
import board, adafruit_display_text.label as lbl
from adafruit_bitmap_font import (
    bitmap_font,   # comment inside
    pcf as p,
)
from . import helper
from ..pkg.sub import *
from ...x import y; import z
def f():
    import \\
        inner_mod
s = 'import not_me'
";
    assert_eq!(
        mods(src),
        vec![
            m(Some("board"), 0, &[], false),
            m(Some("adafruit_display_text.label"), 0, &[], false),
            m(
                Some("adafruit_bitmap_font"),
                0,
                &["bitmap_font", "pcf"],
                false
            ),
            m(None, 1, &["helper"], false),
            m(Some("pkg.sub"), 2, &["*"], false),
            m(Some("x"), 3, &["y"], false),
            m(Some("z"), 0, &[], false),
            m(Some("inner_mod"), 0, &[], false),
        ]
    );
    let lines: Vec<usize> = imports(src)
        .expect("parses")
        .imports
        .iter()
        .map(|i| i.line)
        .collect();
    assert_eq!(lines, vec![1, 1, 2, 6, 7, 8, 8, 10]);
}

#[test]
fn try_blocks_mark_optional_imports() {
    let src = "\
try:
    import typing
    if x:
        from a import b
except ImportError:
    import fallback
import after
try: import one_line
except: pass
class C:
    def m(self):
        try:
            import deep
        finally:
            pass
        import not_in_try
";
    assert_eq!(
        mods(src),
        vec![
            m(Some("typing"), 0, &[], true),
            m(Some("a"), 0, &["b"], true),
            m(Some("fallback"), 0, &[], true),
            m(Some("after"), 0, &[], false),
            m(Some("one_line"), 0, &[], true),
            m(Some("deep"), 0, &[], true),
            m(Some("not_in_try"), 0, &[], false),
        ]
    );
}

#[test]
fn syntax_errors_are_reported_with_lines() {
    let cases = [
        ("x = 'abc\nimport a\n", 1),
        ("import a\nx = (1,\n", 2),
        ("if x:\nimport a\n", 2),
        ("import a\n  import b\n", 2),
        ("from a import\n", 1),
        ("from a import (b,\n", 1),
        ("import a.\n", 1),
        ("from a import b,\n", 1),
        ("x = ]\n", 1),
        ("if x:\n        a\n    b\n", 3),
        ("def f():\n", 1),
        ("x = 1 $ 2\n", 1),
    ];
    for (src, line) in cases {
        match imports(src) {
            Err(e) => assert_eq!(e.line, line, "{src:?}: {e}"),
            Ok(i) => panic!("{src:?} parsed: {i:?}"),
        }
    }
    // Still fine: a comment-only body line between header and body, CRLF, tabs.
    assert!(imports("if x:\r\n    # c\r\n\timport a\r\n").is_ok());
}

#[test]
fn dynamic_imports_and_next_code_file() {
    let src = "\
m = __import__('adafruit_' + part)
n = __import__(\"literal_mod\")
o = __import__(attr, None, None, True, 1)
exec(code)
obj.eval()
importlib.import_module('pkg.mod')
import supervisor
supervisor.set_next_code_file('other.py')
supervisor.set_next_code_file(name)
";
    let i = imports(src).expect("parses");
    let d: Vec<(&str, Option<&str>, Option<usize>)> = i
        .dynamic
        .iter()
        .map(|d| (d.func.as_str(), d.literal.as_deref(), d.level))
        .collect();
    assert_eq!(
        d,
        vec![
            ("__import__", None, Some(0)),
            ("__import__", Some("literal_mod"), Some(0)),
            ("__import__", None, Some(1)),
            ("exec", None, Some(0)),
            ("importlib.import_module", Some("pkg.mod"), Some(0)),
        ]
    );
    assert_eq!(i.next_code_files, vec!["other.py".to_string()]);
    assert!(i.next_code_file_unknown);
}

#[test]
fn possible_names_cover_identifiers_and_strings() {
    let names = possible_names("import adafruit_x\nx = 'adafruit_y'\nbroken = (\n");
    for n in ["adafruit_x", "adafruit_y", "broken", "import"] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
}

/// Differential check against CPython (run by hand): `PYSRC_DUMP=list.txt cargo test dump_corpus -- --ignored`
#[test]
#[ignore]
fn dump_corpus() {
    let Ok(list) = std::env::var("PYSRC_DUMP") else {
        return;
    };
    let files = std::fs::read_to_string(list).unwrap_or_default();
    let mut out = String::new();
    for f in files.lines() {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        let all = string_literals(&src);
        let fspans: Vec<_> = all
            .iter()
            .filter(|s| s.is_fstring())
            .map(|s| s.span.clone())
            .collect();
        let lits: Vec<serde_json::Value> = all
            .iter()
            .filter(|s| !s.is_fstring())
            .filter(|s| {
                !fspans
                    .iter()
                    .any(|f| f.start < s.span.start && s.span.end <= f.end)
            })
            .map(|s| serde_json::json!([s.line, s.prefix, s.value, &src[s.span.clone()]]))
            .collect();
        let imps = match imports(&src) {
            Ok(i) => serde_json::json!(i
                .imports
                .iter()
                .map(|i| serde_json::json!([i.line, i.module, i.level, i.names]))
                .collect::<Vec<_>>()),
            Err(e) => serde_json::json!(e.to_string()),
        };
        out.push_str(&serde_json::json!({"file": f, "lits": lits, "imports": imps}).to_string());
        out.push('\n');
    }
    std::fs::write("/tmp/dw/rust.jsonl", out).ok();
}
