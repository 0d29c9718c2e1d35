//! One bundle file put on the drive: created, or replacing the file FAT would open under that
//! name, with the other form of the module (`.py` ↔ `.mpy`) deleted once it is written.

use std::path::Path;

use super::header;
use super::swap::Ctx;
use super::user::inv_check;
use crate::plan::Action;
use crate::scan::Entry;

/// `foo.mpy` ↔ `foo.py`: the other form of a module file, which import would pick instead.
pub(super) fn twin_of(f: &str) -> Option<String> {
    if let Some(stem) = f.strip_suffix(".mpy") {
        Some(format!("{stem}.py"))
    } else {
        f.strip_suffix(".py").map(|stem| format!("{stem}.mpy"))
    }
}

/// True when the writes of one library's swap take more bytes than the files they replace.
pub(super) fn grows_library(actions: &[Action]) -> bool {
    let (before, after) = actions
        .iter()
        .filter(|a| a.writes())
        .fold((0u64, 0u64), |(b, a), x| {
            (b + x.bytes_before, a + x.bytes_after())
        });
    after > before
}

/// Put the bundle's bytes at `target`, then delete the other form (`twin`) once that succeeded.
/// Returns true when it replaces a `.mpy` the board cannot load (a repair, allowed to grow).
pub(super) fn swap_file(
    ctx: &mut Ctx,
    bname: &str,
    module: &str,
    version_change: &str,
    target: &Path,
    twin: Option<&Path>,
    content: Vec<u8>,
) -> bool {
    let inv = ctx.inv;
    let is_mpy = target.extension().is_some_and(|e| e == "mpy");
    if is_mpy && !loads_on_board(ctx, bname, target, &content) {
        return false;
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let from = FromBundle {
        bname,
        module,
        version_change,
        name: &name,
    };
    // On FAT a file that differs only in case is this file: it is replaced, keeping its name.
    let (write, repairs) = match inv.find(target) {
        None => {
            let note = format!("from bundle {bname} ({module} {version_change})");
            (
                Some(ctx.out.push(Action::create(inv, target, content, note))),
                false,
            )
        }
        Some(e) if e.is_file() => match replace_file(ctx, e, &from, is_mpy, twin, content) {
            Some(done) => done,
            None => return false,
        },
        Some(e) => {
            let note = format!(
                "a {:?} is where the bundle's {name} belongs; left as is",
                e.kind
            );
            ctx.out.push(Action::report(&e.rel, 0, note).warning());
            return false;
        }
    };
    if let Some(t) = twin.and_then(|t| inv.find(t)).filter(|t| t.is_file()) {
        let other = t
            .rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let note = if is_mpy {
            format!("replaced by {name}; deleted once the .mpy is written")
        } else {
            format!("{other} is dead weight: the bundle ships {name}, which is imported first")
        };
        ctx.out.push(Action::delete(inv, t, note).requiring(write));
    }
    repairs
}

/// Where a bundle file comes from, for the notes.
struct FromBundle<'a> {
    bname: &'a str,
    module: &'a str,
    version_change: &'a str,
    /// The file's name (`neopixel.mpy`).
    name: &'a str,
}

/// A bundle `.mpy` the board's CircuitPython cannot load is reported, not installed.
fn loads_on_board(ctx: &mut Ctx, bname: &str, target: &Path, content: &[u8]) -> bool {
    let Some(m) = ctx.major else {
        return true;
    };
    match header::check(content, m) {
        Ok(_) => true,
        Err(why) => {
            let note = format!(
                "the bundle {bname} has a {} that CircuitPython {m} cannot load ({why}); not installed",
                target.display()
            );
            ctx.out.push(Action::report(target, 0, note).warning());
            false
        }
    }
}

/// The bundle's bytes over a file already there: kept when it is a working `.mpy`, else
/// replaced. Returns the write (if any) and whether it repairs a `.mpy` that will not load;
/// `None` when the file cannot be read.
fn replace_file(
    ctx: &mut Ctx,
    e: &Entry,
    from: &FromBundle,
    is_mpy: bool,
    twin: Option<&Path>,
    content: Vec<u8>,
) -> Option<(Option<usize>, bool)> {
    let inv = ctx.inv;
    let FromBundle {
        bname,
        module,
        version_change,
        name,
    } = from;
    let current = match inv.read(&e.rel) {
        Ok(c) => c,
        Err(err) => {
            ctx.out
                .push(Action::report(&e.rel, e.size, format!("cannot read: {err}")).warning());
            return None;
        }
    };
    let keep_valid_mpy = is_mpy
        && inv_check(ctx.major, &current).is_none()
        && twin.is_none_or(|t| inv.find(t).is_none());
    if current != content && keep_valid_mpy {
        // A working .mpy of another build or version: changing versions is circup's job.
        let note = format!(
            "differs from bundle {bname}'s {name} but loads; kept (cpslim only converts .py and replaces .mpy files that will not load)"
        );
        ctx.out.push(Action::report(&e.rel, e.size, note));
        Some((None, false))
    } else if current != content {
        let mut repairs = false;
        let why = match (is_mpy, inv_check(ctx.major, &current)) {
            (true, Some(fail)) => {
                repairs = true;
                format!("will fail with: {fail}")
            }
            _ => "differs from the bundle's".to_string(),
        };
        let note = format!("{why}; replaced by bundle {bname}'s ({module} {version_change})");
        let grows = content.len() as u64 >= e.size;
        let mut a = Action::replace(inv, e, content, note);
        // The bundle's bytes are the point here, even when a file grows a little.
        if grows {
            a = a.forced();
        }
        Some((Some(ctx.out.push(a)), repairs))
    } else {
        Some((None, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins() {
        assert_eq!(twin_of("a/b.mpy").as_deref(), Some("a/b.py"));
        assert_eq!(twin_of("a/__init__.py").as_deref(), Some("a/__init__.mpy"));
        assert_eq!(twin_of("a/font.bin"), None);
    }
}
