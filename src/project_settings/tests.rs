use super::*;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(t.path().join(".git")).expect("mkdir");
    std::fs::create_dir_all(t.path().join("src/lib")).expect("mkdir");
    for (rel, text) in files {
        cpslim_testkit::write(t.path(), rel, text.as_bytes());
    }
    t
}

fn error_of(t: &tempfile::TempDir) -> String {
    find(&t.path().join("src"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn reads_tool_cpslim_from_the_repository_root() {
    let t = project(&[
        ("bundles/b.zip", ""),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n[tool.circup]\nx = 1\n[tool.cpslim]\nonly = [\"junk\", \"fonts\"]\n\
             charset = \"ascii\"\ncolors = 16\ndither = true\nprune = true\nbudget = \"1900KB\"\n\
             cluster-size = 1024\nboard = \"pyportal\"\ncp-version = \"10.2.1\"\nbundle = \"bundles/b.zip\"\n\"2bpp\" = true\n\
             font-format = \"lvfontbin\"\nimage-format = \"png\"\ncompile = true\n",
        ),
    ]);
    let s = find(&t.path().join("src/lib")).expect("ok").expect("found");
    let root = t.path().canonicalize().expect("canon");
    assert_eq!(s.file, root.join("pyproject.toml"));
    assert_eq!(s.table, "[tool.cpslim]");
    assert_eq!(s.only, vec![StageName::Junk, StageName::Fonts]);
    assert_eq!(s.charset.as_deref(), Some("ascii"));
    assert_eq!(
        (s.colors, s.dither, s.prune, s.two_bpp),
        (Some(16), true, true, true)
    );
    assert_eq!((s.budget, s.cluster_size), (Some(1_900_000), Some(1024)));
    assert_eq!(
        (s.board.as_deref(), s.cp_version.as_deref()),
        (Some("pyportal"), Some("10.2.1"))
    );
    assert_eq!(s.bundles, vec![root.join("bundles/b.zip")]);
    assert!(!s.keep_names && !s.empty_trash);
    assert_eq!(s.font_format, Some(crate::config::FontFormat::Lvfontbin));
    assert_eq!(s.image_format, Some(crate::config::ImageFormat::Png));
    assert!(s.compile);
}

#[test]
fn the_nearest_file_wins_and_cpslim_toml_before_pyproject() {
    let t = project(&[
        ("pyproject.toml", "[tool.cpslim]\ncolors = 4\n"),
        ("src/pyproject.toml", "[tool.cpslim]\ncolors = 8\n"),
        ("src/cpslim.toml", "colors = 32\n"),
    ]);
    let s = find(&t.path().join("src")).expect("ok").expect("found");
    assert_eq!((s.colors, s.table), (Some(32), "cpslim.toml"));
    std::fs::remove_file(t.path().join("src/cpslim.toml")).expect("rm");
    assert_eq!(
        find(&t.path().join("src"))
            .expect("ok")
            .expect("found")
            .colors,
        Some(8)
    );
    // A pyproject.toml without [tool.cpslim] is not a settings file: the search goes on.
    std::fs::write(
        t.path().join("src/pyproject.toml"),
        "[project]\nname = \"x\"\n",
    )
    .expect("write");
    assert_eq!(
        find(&t.path().join("src"))
            .expect("ok")
            .expect("found")
            .colors,
        Some(4)
    );
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let t = project(&[("cpslim.toml", "colors = 4\n"), ("repo/src/code.py", "")]);
    std::fs::remove_dir(t.path().join(".git")).expect("rmdir");
    std::fs::create_dir_all(t.path().join("repo/.git")).expect("mkdir");
    assert_eq!(find(&t.path().join("repo/src")).expect("ok"), None);
    // Outside any repository only the folder itself is searched.
    std::fs::remove_dir(t.path().join("repo/.git")).expect("rmdir");
    assert_eq!(find(&t.path().join("repo/src")).expect("ok"), None);
    assert!(find(t.path()).expect("ok").is_some());
}

#[test]
fn never_reads_settings_on_a_board() {
    let t = project(&[
        ("CIRCUITPY/cpslim.toml", "colors = 4\n"),
        ("CIRCUITPY/lib/cpslim.toml", "colors = 4\n"),
        (
            "board/boot_out.txt",
            "Adafruit CircuitPython 10.2.1 on x; y with z\n",
        ),
        ("board/pyproject.toml", "[tool.cpslim]\nnot-a-key = 1\n"),
        ("cpslim.toml", "colors = 4\n"),
    ]);
    for dir in ["CIRCUITPY", "CIRCUITPY/lib", "board"] {
        assert_eq!(find(&t.path().join(dir)).expect("ok"), None, "{dir}");
    }
}

#[test]
fn unknown_keys_and_bad_values_name_the_key_and_the_file() {
    let cases = [
        ("chraset = \"ascii\"", "tool.cpslim.chraset", "unknown key"),
        ("colors = 1000", "tool.cpslim.colors", "2 to 256"),
        ("colors = \"16\"", "tool.cpslim.colors", "2 to 256"),
        (
            "cluster-size = 1000",
            "tool.cpslim.cluster-size",
            "power of two",
        ),
        ("budget = \"2 parsecs\"", "tool.cpslim.budget", "unit"),
        ("only = [\"junk\", \"bogus\"]", "tool.cpslim.only", "bogus"),
        ("skip = 3", "tool.cpslim.skip", "stage names"),
        ("prune = \"yes\"", "tool.cpslim.prune", "true or false"),
        ("charset = \"U+ZZ\"", "tool.cpslim.charset", "U+ZZ"),
        ("cp-version = \"ten\"", "tool.cpslim.cp-version", "version"),
        ("board = \"my board\"", "tool.cpslim.board", "board id"),
        (
            "bundle = \"missing.zip\"",
            "tool.cpslim.bundle",
            "does not exist",
        ),
        (
            "only = \"junk\"\nskip = \"mpy\"",
            "tool.cpslim.only",
            "skip",
        ),
    ];
    for (body, key, what) in cases {
        let t = project(&[("pyproject.toml", &format!("[tool.cpslim]\n{body}\n"))]);
        let e = error_of(&t);
        assert!(
            e.contains("pyproject.toml") && e.contains(key) && e.contains(what),
            "{body}: {e}"
        );
        let err = find(&t.path().join("src")).expect_err("error");
        assert!(err.is_usage(), "{body}");
    }
    let t = project(&[("cpslim.toml", "colour = 3\n")]);
    let e = error_of(&t);
    assert!(
        e.contains("cpslim.toml: `colour`") && e.contains("colors"),
        "{e}"
    );
    let t = project(&[("pyproject.toml", "[tool.cpslim\ncolors = 3\n")]);
    let e = error_of(&t);
    assert!(
        e.contains("pyproject.toml: not a readable settings file"),
        "{e}"
    );
    let t = project(&[("pyproject.toml", "tool = { cpslim = 3 }\n")]);
    assert!(error_of(&t).contains("`tool.cpslim`: must be a table"));
    let t = project(&[("cpslim.toml", &"#".repeat(2 << 20))]);
    assert!(error_of(&t).contains("larger than"), "{}", error_of(&t));
}
