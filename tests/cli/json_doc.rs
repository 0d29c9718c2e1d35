//! docs/json.md is the JSON contract: every field cpslim prints is documented there with its
//! type, and every documented field is printed.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::util::*;

/// `field path → allowed types` from the table in docs/json.md.
fn documented() -> BTreeMap<String, Vec<String>> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md"))
        .expect("docs/json.md");
    let mut fields = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `field` | type | meaning |
        if cells.len() < 4 || !cells[1].starts_with('`') {
            continue;
        }
        let name = cells[1].trim_matches('`').to_string();
        let types = cells[2]
            .split(" or ")
            .map(|t| t.trim().trim_matches('`').to_string())
            .collect();
        fields.insert(name, types);
    }
    assert!(fields.len() > 40, "the field table was not found");
    fields
}

fn type_ok(v: &Value, allowed: &[String]) -> bool {
    allowed.iter().any(|t| match t.as_str() {
        "integer" => v.is_i64() || v.is_u64(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        lit if lit.starts_with('"') => v.as_str() == Some(lit.trim_matches('"')),
        other => panic!("docs/json.md: unknown type {other}"),
    })
}

/// Check `v` (found at `path`) against the table; records which fields were seen.
fn check(
    v: &Value,
    path: &str,
    doc: &BTreeMap<String, Vec<String>>,
    seen: &mut BTreeMap<String, usize>,
) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let allowed = doc
                    .get(&p)
                    .unwrap_or_else(|| panic!("`{p}` is printed but not in docs/json.md"));
                assert!(
                    type_ok(child, allowed),
                    "`{p}` = {child} is not {allowed:?}"
                );
                *seen.entry(p.clone()).or_default() += 1;
                check(child, &p, doc, seen);
            }
            // Every documented child of this object is present.
            let prefix = if path.is_empty() {
                String::new()
            } else {
                format!("{path}.")
            };
            for name in doc.keys() {
                if let Some(rest) = name.strip_prefix(&prefix) {
                    if !rest.contains('.') && !rest.contains("[]") && !rest.is_empty() {
                        assert!(map.contains_key(rest), "`{name}` is documented but missing");
                    }
                }
            }
        }
        Value::Array(items) => {
            let p = format!("{path}[]");
            for item in items {
                if let Some(allowed) = doc.get(&p) {
                    assert!(type_ok(item, allowed), "`{p}` = {item} is not {allowed:?}");
                    *seen.entry(p.clone()).or_default() += 1;
                }
                check(item, &p, doc, seen);
            }
        }
        _ => {}
    }
}

fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad json: {e}\n{}", stdout(o)))
}

#[test]
fn every_printed_field_is_documented_and_typed_and_every_documented_field_is_printed() {
    let doc = documented();
    let mut seen = BTreeMap::new();
    let t = temp_copy(&asset("demo-drive"));
    let bundle = asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    // An audit with every stage, a build with a budget, an in-place run with a backup.
    let o = run(cpslim()
        .arg("audit")
        .arg(t.path())
        .arg("--json")
        .arg("--bundle")
        .arg(&bundle));
    assert_code(&o, 0);
    check(&json_of(&o), "", &doc, &mut seen);
    write(t.path(), ".git/HEAD", b"ref: refs/heads/main\n");
    let out = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--out")
        .arg(out.path().join("build"))
        .args(["--json", "--budget", "2MiB", "--only", "junk,bitmaps"]));
    assert_code(&o, 0);
    check(&json_of(&o), "", &doc, &mut seen);
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--json", "--yes", "--only", "junk", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    let json = json_of(&o);
    check(&json, "", &doc, &mut seen);
    assert_eq!(json["schema"], 2);
    // Each documented field was seen at least once, except errors (none in these runs).
    for name in doc.keys().filter(|n| !n.starts_with("errors[]")) {
        assert!(
            seen.contains_key(name),
            "`{name}` never appeared in the sample runs"
        );
    }
}
