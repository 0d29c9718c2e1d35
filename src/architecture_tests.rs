//! The layers of `docs/architecture.md`, checked: a module may use modules of its own layer or
//! lower ones, never a higher one, and no two modules (stages counted one by one) use each other
//! in a cycle. The check reads the sources, so it fails as soon as someone adds such a `use`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layers from the bottom. Every top-level module of `src/` must be listed.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "units and errors",
        &[
            "units", "error", "exit", "fatname", "platform", "fsinfo", "cluster", "board",
            "config", "pysrc",
        ],
    ),
    ("layout rules", &["layout"]),
    ("scan", &["scan"]),
    ("plan", &["plan"]),
    ("stages", &["stages"]),
    (
        "writers",
        &["fsops", "backup", "apply", "restore", "web", "pipeline"],
    ),
    ("report", &["report"]),
    (
        "app",
        &["app", "cli", "ui", "detect", "project_settings", "fuzzing"],
    ),
];

fn layer_of(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap_or(module);
    LAYERS.iter().position(|(_, mods)| mods.contains(&top))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file belongs to: its top-level module, or `stages::<stage>` inside `src/stages/`.
/// `children` maps files included with `#[path]` to the file that includes them.
fn module_of(rel: &Path, children: &BTreeMap<PathBuf, PathBuf>) -> Option<String> {
    if let Some(parent) = children.get(rel) {
        return module_of(parent, children);
    }
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    let top = parts.first()?.as_str();
    if matches!(top, "lib" | "main" | "architecture_tests") {
        return None;
    }
    if top == "stages" && parts.len() > 1 && parts[1] != "mod" {
        return Some(format!("stages::{}", parts[1]));
    }
    Some(top.to_string())
}

fn stage_names(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src.join("stages"))
        .expect("read src/stages")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir() || p.file_stem().is_some_and(|s| s != "mod"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Every module named by a `crate::` path in code (comments are skipped: doc links are not uses).
fn uses(text: &str, stages: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let ident = |s: &str| -> String {
                s.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            };
            let top = ident(rest);
            if top.is_empty() {
                continue;
            }
            let after = &rest[top.len()..];
            let sub = after.strip_prefix("::").map(ident).unwrap_or_default();
            if top == "stages" && stages.contains(&sub) {
                out.insert(format!("stages::{sub}"));
            } else {
                out.insert(top);
            }
        }
    }
    out
}

/// Files a `#[path = "…"]` attribute includes, mapped to the file that includes them.
fn path_children(texts: &[(PathBuf, String)]) -> BTreeMap<PathBuf, PathBuf> {
    let mut out = BTreeMap::new();
    for (rel, text) in texts {
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("#[path = \"") else {
                continue;
            };
            let name = rest.split('"').next().unwrap_or_default();
            out.insert(rel.with_file_name(name), rel.clone());
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let stages = stage_names(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let texts: Vec<(PathBuf, String)> = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).unwrap().to_path_buf();
            (rel, std::fs::read_to_string(f).expect("read source"))
        })
        .collect();
    let children = path_children(&texts);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &texts {
        let Some(module) = module_of(rel, &children) else {
            continue;
        };
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(uses(text, &stages).into_iter().filter(|d| *d != module));
    }
    graph
}

#[test]
fn every_module_has_a_layer() {
    let unlisted: Vec<String> = graph()
        .into_keys()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from LAYERS (and docs/architecture.md): {unlisted:?}"
    );
}

#[test]
fn no_module_uses_a_higher_layer() {
    let mut wrong = Vec::new();
    for (module, deps) in graph() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for dep in deps {
            if layer_of(&dep).is_some_and(|l| l > own) {
                wrong.push(format!(
                    "{module} ({}) uses {dep} ({})",
                    LAYERS[own].0,
                    LAYERS[layer_of(&dep).unwrap()].0
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn no_modules_use_each_other_in_a_cycle() {
    let graph = graph();
    // Depth-first search with colours: a grey node reached again closes a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match colour.get(node) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|n| n == node).unwrap();
                let mut cycle = stack[from..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        colour.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(dep, graph, colour, stack) {
                return Some(c);
            }
        }
        stack.pop();
        colour.insert(node.to_string(), 2);
        None
    }
    let mut colour = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut colour, &mut Vec::new()) {
            panic!("modules use each other in a cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_checker_sees_uses_and_skips_comments() {
    let stages: BTreeSet<String> = ["fonts".to_string()].into();
    let text = "use crate::scan::Inventory;\n/// see [`crate::apply`]\nlet x = crate::stages::fonts::pcf::read(b);\ncrate::stages::StageName::Junk";
    let found = uses(text, &stages);
    let want: BTreeSet<String> = ["scan", "stages::fonts", "stages"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, want);
}
