//! `cpslim completions SHELL` and `cpslim man` print scripts generated from the real flags.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::util::*;

/// What each shell's script must contain besides the subcommands and flags: its own syntax.
const SHELLS: [(&str, &str); 5] = [
    ("bash", "complete -F"),
    ("zsh", "#compdef cpslim"),
    ("fish", "complete -c cpslim"),
    ("powershell", "Register-ArgumentCompleter"),
    ("elvish", "set edit:completion:arg-completer[cpslim]"),
];

#[test]
fn completions_print_a_script_for_every_shell() {
    for (shell, marker) in SHELLS {
        let o = run(cpslim().args(["completions", shell]));
        assert_code(&o, 0);
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: no `{marker}`\n{script}");
        for word in [
            "audit",
            "optimize",
            "restore",
            "completions",
            "budget",
            "charset",
            "bundle",
        ] {
            assert!(script.contains(word), "{shell}: `{word}` missing");
        }
        assert!(stderr(&o).is_empty(), "{shell}: {}", stderr(&o));
    }
}

#[test]
fn the_bash_script_parses_and_completes_subcommands() {
    let o = run(cpslim().args(["completions", "bash"]));
    assert_code(&o, 0);
    // Source the script and ask it what `cpslim opt<TAB>` completes to.
    let probe = "source /dev/stdin; COMP_WORDS=(cpslim opt); COMP_CWORD=1; _cpslim cpslim opt cpslim; printf '%s\\n' \"${COMPREPLY[@]}\"";
    let child = Command::new("bash")
        .args(["-c", probe])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        skip_or_fail("bash is not installed");
        return;
    };
    child.stdin.take().unwrap().write_all(&o.stdout).unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&done.stdout).trim(), "optimize");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let o = run(cpslim().args(["completions", "tcsh"]));
    assert_code(&o, 2);
    assert!(stderr(&o).contains("bash"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn man_prints_a_man_page_with_the_subcommands() {
    let o = run(cpslim().arg("man"));
    assert_code(&o, 0);
    let page = stdout(&o);
    assert!(page.contains(".TH cpslim 1"), "{page}");
    for word in ["audit", "optimize", "restore", "completions"] {
        assert!(page.contains(word), "`{word}` missing from the man page");
    }
}
