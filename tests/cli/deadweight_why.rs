//! `cpslim audit --why`: the import chain or the reason, for every path the plan names, by
//! path or by module name.

use crate::deadweight::{audit, drive, s, TFT};
use crate::util::*;

#[test]
fn why_explains_chains_and_dead_entries() {
    let d = drive(Some(TFT));
    let o = audit(d.path(), &["--why", "lib/adafruit_bme280"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("code.py line 6: import my_sensors"), "{out}");
    assert!(
        out.contains("lib/my_sensors.py line 1: from adafruit_bme280 import basic"),
        "{out}"
    );
    let out = stdout(&audit(d.path(), &["--why", "lib/adafruit_requests.mpy"]));
    assert!(
        out.contains("code.py line 7: from helpers import net"),
        "{out}"
    );
    let out = stdout(&audit(d.path(), &["--why", "lib/adafruit_bus_device"]));
    assert!(out.contains("built into"), "{out}");
    let out = stdout(&audit(d.path(), &["--why", "lib/adafruit_imageload"]));
    assert!(out.contains("no file reachable"), "{out}");
    let o = audit(d.path(), &["--why", "lib/not_there"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("lib/not_there"));
}

/// `--why` says what the plan does to every path the plan touches, never contradicts it, and
/// prints each line once.
#[test]
fn why_agrees_with_the_plan_for_every_planned_path() {
    let d = crate::util::temp_copy(&crate::util::asset("demo-drive"));
    let bundle = crate::util::asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    let flags = [
        "--prune",
        "--bundle",
        s(&bundle),
        "--charset",
        "auto",
        "--empty-trash",
    ];
    let o = run(cpslim()
        .arg("audit")
        .arg(d.path())
        .args(flags)
        .arg("--json"));
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut checked = 0;
    for stage in json["stages"].as_array().expect("stages") {
        let name = stage["name"].as_str().expect("name");
        for a in stage["actions"].as_array().expect("actions") {
            let kind = a["action"].as_str().expect("action");
            let verb = match kind {
                "delete" => "deletes",
                "replace" => "replaces",
                "create" => "creates",
                "edit" => "edits",
                _ => continue,
            };
            let path = a["path"].as_str().expect("path");
            if kind == "create" {
                continue; // not on the drive yet
            }
            let o = run(cpslim()
                .arg("audit")
                .arg(d.path())
                .args(flags)
                .args(["--why", path]));
            assert_code(&o, 0);
            let out = stdout(&o);
            assert!(
                out.contains(&format!("{path}: the {name} stage {verb} it")),
                "--why {path} does not say the {name} stage {verb} it:\n{out}"
            );
            let swap = a["note"].as_str().unwrap_or("").starts_with("replaced by");
            if kind == "delete" && (name == "deadweight" || name == "mpy") && !swap {
                assert!(
                    !out.lines().any(|l| l.ends_with("' is imported:")),
                    "--why {path} calls a deleted file live:\n{out}"
                );
            }
            let mut lines: Vec<&str> = out.lines().collect();
            let n = lines.len();
            lines.sort_unstable();
            lines.dedup();
            assert_eq!(lines.len(), n, "--why {path} repeats a line:\n{out}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} planned paths checked");
}

#[test]
fn why_takes_a_module_name_or_a_path() {
    let d = crate::util::temp_copy(&crate::util::asset("demo-drive"));
    let out = stdout(&audit(d.path(), &["--why", "adafruit_debouncer"]));
    assert!(
        out.contains("code.py line 8: from adafruit_debouncer import Debouncer"),
        "{out}"
    );
    // The shadowed .mpy is dead because the .py beside it runs.
    let out = stdout(&run(cpslim()
        .arg("audit")
        .arg(d.path())
        .args(["--why", "lib/adafruit_requests.mpy"])));
    assert!(out.contains("the mpy stage deletes it"), "{out}");
    assert!(
        out.contains("loads lib/adafruit_requests.py first"),
        "{out}"
    );
    // A module file that is not there (the drive has the .py) explains the module.
    let o = audit(d.path(), &["--why", "lib/adafruit_ticks.mpy"]);
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains("explaining module 'adafruit_ticks'"),
        "{}",
        stdout(&o)
    );
    // Not on the drive: who answers it.
    let out = stdout(&audit(
        d.path(),
        &["--why", "adafruit_bus_device.i2c_device"],
    ));
    assert!(out.contains("lib/adafruit_bus_device"), "{out}");
    let out = stdout(&audit(d.path(), &["--why", "adafruit_lis3dh"]));
    assert!(out.contains("not on the drive"), "{out}");
    // The reason for an unused library is printed once.
    let out = stdout(&audit(d.path(), &["--why", "lib/adafruit_imageload"]));
    assert_eq!(out.matches("no file reachable").count(), 1, "{out}");
}
