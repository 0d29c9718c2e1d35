//! Import edges out of one file (`.py` via the tokenizer, `.mpy` via its bytecode), resolved
//! relative to the file's package (`docs/domain/dead-weight.md` rules, summarised in `assets/data/README.md`).

use std::path::Path;

use super::drive::{components, is_identifier, is_lib_dir};
use super::graph::Walker;
use super::mpy_imports::{self, MpyError};
use crate::pysrc;

/// One import edge out of a file: the top-level name, and whether it is only a guess (a name
/// that merely appears in the file: resolved only to modules on the drive).
pub(super) struct Edge {
    pub top: String,
    pub line: Option<usize>,
    pub import: String,
    pub guess: bool,
    pub frozen: Option<String>,
}

/// The package a module file belongs to (`lib/a/b.py` and `lib/a/__init__.py` → `[a]`).
fn package_of(rel: &Path) -> Vec<String> {
    let Some(comps) = components(rel) else {
        return Vec::new();
    };
    let inner = match comps.split_first() {
        Some((first, rest)) if is_lib_dir(first) => rest,
        _ => &comps[..],
    };
    match inner.split_last() {
        Some((_, pkg)) => pkg.iter().map(|s| s.to_string()).collect(),
        None => Vec::new(),
    }
}

/// The top-level name an import statement loads first, or `None` when it cannot resolve
/// (a relative import beyond the top-level package, or from a non-package file).
fn top_of(package: &[String], module: Option<&str>, level: usize) -> Option<String> {
    if level == 0 {
        return module?.split('.').next().map(str::to_string);
    }
    let keep = package.len().checked_sub(level - 1)?;
    package.get(..keep)?.first().cloned()
}

fn dotted_text(module: Option<&str>, level: usize, names: &[String]) -> String {
    let dots = ".".repeat(level);
    let m = module.unwrap_or("");
    if names.is_empty() {
        format!("import {dots}{m}")
    } else {
        format!("from {dots}{m} import {}", names.join(", "))
    }
}
impl Walker<'_> {
    pub(super) fn file_edges(&mut self, file: &Path) -> Vec<Edge> {
        let bytes = match self.inv.read(file) {
            Ok(b) => b,
            Err(e) => {
                self.g
                    .uncertain
                    .push(format!("{} could not be read ({e})", file.display()));
                self.problem(file, format!("cannot read: {e}"), false);
                return Vec::new();
            }
        };
        self.g.files_read += 1;
        self.g.files.push(file.to_path_buf());
        let is_mpy = file
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("mpy"));
        let package = package_of(file);
        if is_mpy {
            self.mpy_edges(file, &bytes, &package)
        } else {
            self.py_edges(file, &String::from_utf8_lossy(&bytes), &package)
        }
    }

    fn guesses(strings: &[String], line: Option<usize>, why: &str) -> Vec<Edge> {
        strings
            .iter()
            .filter_map(|s| s.split('.').next())
            .filter(|t| is_identifier(t))
            .map(|t| Edge {
                top: t.to_string(),
                line,
                import: format!("names '{t}' ({why})"),
                guess: true,
                frozen: None,
            })
            .collect()
    }

    fn py_edges(&mut self, file: &Path, src: &str, package: &[String]) -> Vec<Edge> {
        let (parsed, lits) = pysrc::imports_and_literals(src);
        self.g.literals.extend(lits.iter().map(|l| l.value.clone()));
        let imports = match parsed {
            Ok(i) => i,
            Err(e) => {
                self.problem(
                    file,
                    format!(
                        "syntax error ({e}): every name in the file is treated as a possible import"
                    ),
                    false,
                );
                return Self::guesses(
                    &pysrc::possible_names(src),
                    Some(e.line),
                    "file does not parse",
                );
            }
        };
        let mut edges = Vec::new();
        for i in &imports.imports {
            if let Some(top) = top_of(package, i.module.as_deref(), i.level) {
                edges.push(Edge {
                    top,
                    line: Some(i.line),
                    import: dotted_text(i.module.as_deref(), i.level, &i.names),
                    guess: false,
                    frozen: None,
                });
            }
        }
        let mut string_rule = false;
        for d in &imports.dynamic {
            string_rule = true;
            if let Some(lit) = &d.literal {
                let level = d.level.unwrap_or(0);
                if let Some(top) = top_of(package, Some(lit), level) {
                    edges.push(Edge {
                        top,
                        line: Some(d.line),
                        import: format!("{}(\"{lit}\")", d.func),
                        guess: false,
                        frozen: None,
                    });
                }
                continue;
            }
            // A relative `__import__` inside a package stays in the package, which is kept whole.
            let contained =
                d.func == "__import__" && d.level.is_some_and(|l| l >= 1) && !package.is_empty();
            if !contained {
                self.g.uncertain.push(format!(
                    "{} line {}: {}(…) with a name computed at run time",
                    file.display(),
                    d.line,
                    d.func
                ));
            }
        }
        if string_rule {
            let values: Vec<String> = lits.into_iter().map(|l| l.value).collect();
            edges.extend(Self::guesses(
                &values,
                None,
                "string in a file that imports by name",
            ));
        }
        for target in &imports.next_code_files {
            self.next_code_file(file, target);
        }
        if imports.next_code_file_unknown {
            self.g.uncertain.push(format!(
                "{}: supervisor.set_next_code_file() with a computed path",
                file.display()
            ));
        }
        edges
    }

    fn next_code_file(&mut self, from: &Path, target: &str) {
        let rel = target.trim_start_matches('/');
        let found = self
            .inv
            .entries
            .iter()
            .find(|e| e.is_file() && e.rel.to_string_lossy().eq_ignore_ascii_case(rel));
        match found {
            Some(e) => {
                let p = e.rel.clone();
                self.g.next_code_files.push(p.clone());
                self.enqueue(vec![p]);
            }
            None => self.g.uncertain.push(format!(
                "{}: supervisor.set_next_code_file(\"{target}\") names a file that is not on the drive",
                from.display()
            )),
        }
    }

    fn mpy_edges(&mut self, file: &Path, bytes: &[u8], package: &[String]) -> Vec<Edge> {
        let info = match mpy_imports::read(bytes) {
            Ok(i) => i,
            Err(MpyError::Header(m)) => {
                // It cannot load, so it imports nothing; the file itself needs replacing.
                self.problem(file, format!("{m}; it fails to import on the board"), true);
                return Vec::new();
            }
            Err(e @ MpyError::Truncated(_)) => {
                self.problem(file, format!("{e}; its imports are unknown"), false);
                self.g.uncertain.push(format!(
                    "{} is damaged, so what it imports is unknown",
                    file.display()
                ));
                return Vec::new();
            }
        };
        self.g.literals.extend(info.strings.iter().cloned());
        let mut edges: Vec<Edge> = info
            .imports
            .iter()
            .filter_map(|i| {
                Some(Edge {
                    top: top_of(package, i.module.as_deref(), i.level)?,
                    line: None,
                    import: dotted_text(i.module.as_deref(), i.level, &i.names),
                    guess: false,
                    frozen: None,
                })
            })
            .collect();
        if info.dynamic || !info.exact {
            let why = if info.dynamic {
                "string in an .mpy that imports by name"
            } else {
                "string in an .mpy whose code was not decoded"
            };
            edges.extend(Self::guesses(&info.strings, None, why));
        }
        edges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_tops() {
        let pkg = package_of(Path::new("lib/a/b/c.py"));
        assert_eq!(pkg, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(
            package_of(Path::new("lib/a/__init__.py")),
            vec!["a".to_string()]
        );
        assert!(package_of(Path::new("lib/x.py")).is_empty());
        assert!(package_of(Path::new("code.py")).is_empty());
        assert_eq!(top_of(&pkg, None, 1).as_deref(), Some("a"));
        assert_eq!(top_of(&pkg, Some("m"), 2).as_deref(), Some("a"));
        assert_eq!(top_of(&pkg, Some("m"), 3), None);
        assert_eq!(top_of(&[], Some("m"), 1), None);
        assert_eq!(top_of(&[], Some("x.y"), 0).as_deref(), Some("x"));
    }
}
