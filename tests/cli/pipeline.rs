//! The library's one entry point (`cpslim::plan`) plans exactly what `cpslim audit` prints.

use cpslim::config::Config;
use cpslim::config::StageName;
use cpslim::report::Report;
use serde_json::Value;

use crate::util::{assert_code, asset, cpslim, run, stdout};

#[test]
fn the_library_plan_is_the_plan_audit_prints() {
    let demo = asset("demo-drive");
    let cfg = Config {
        root: demo.clone(),
        // What the command line runs without --compile.
        stages: StageName::ALL
            .into_iter()
            .filter(|s| *s != StageName::Compile)
            .collect(),
        cluster_size: Some(1024),
        ..Config::default()
    };
    let planned = cpslim::plan(&cfg).expect("plan");
    let report = Report::audit(&planned.inventory, cfg.cluster_source, &planned.plan);
    let lib: Value = serde_json::from_str(&report.to_json()).expect("json");
    let o = run(cpslim()
        .arg("audit")
        .arg(&demo)
        .args(["--json", "--cluster-size", "1024"]));
    assert_code(&o, 0);
    let cli: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(lib["stages"], cli["stages"]);
    assert_eq!(lib["after"], cli["after"]);
    let actions = |v: &Value| {
        v["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .map(|s| s["actions"].as_array().map_or(0, Vec::len))
            .sum::<usize>()
    };
    assert!(actions(&lib) > 10, "the demo drive has work in it");
    let names: Vec<&str> = lib["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    let wanted: Vec<&str> = cfg.stages.iter().map(|s| s.as_str()).collect();
    assert_eq!(names, wanted, "every stage planned, in order");
}
