//! One bundle file put on the drive: created, or replacing the file FAT would open under that
//! name, with the other form of the module (`.py` ↔ `.mpy`) deleted once it is written.

use std::path::Path;

use super::header;
use super::swap::Ctx;
use super::user::inv_check;
use crate::plan::Action;

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
    let mut repairs = false;
    let is_mpy = target.extension().is_some_and(|e| e == "mpy");
    if is_mpy {
        if let Some(m) = ctx.major {
            if let Err(why) = header::check(&content, m) {
                let note = format!(
                    "the bundle {bname} has a {} that CircuitPython {m} cannot load ({why}); not installed",
                    target.display()
                );
                ctx.out.push(Action::report(target, 0, note).warning());
                return false;
            }
        }
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut write = None;
    // On FAT a file that differs only in case is this file: it is replaced, keeping its name.
    match inv.find(target) {
        None => {
            let note = format!("from bundle {bname} ({module} {version_change})");
            write = Some(ctx.out.push(Action::create(inv, target, content, note)));
        }
        Some(e) if e.is_file() => {
            let current = match inv.read(&e.rel) {
                Ok(c) => c,
                Err(err) => {
                    ctx.out.push(
                        Action::report(&e.rel, e.size, format!("cannot read: {err}")).warning(),
                    );
                    return false;
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
            } else if current != content {
                let why = match (is_mpy, inv_check(ctx.major, &current)) {
                    (true, Some(fail)) => {
                        repairs = true;
                        format!("will fail with: {fail}")
                    }
                    _ => "differs from the bundle's".to_string(),
                };
                let note =
                    format!("{why}; replaced by bundle {bname}'s ({module} {version_change})");
                let grows = content.len() as u64 >= e.size;
                let mut a = Action::replace(inv, e, content, note);
                // The bundle's bytes are the point here, even when a file grows a little.
                if grows {
                    a = a.forced();
                }
                write = Some(ctx.out.push(a));
            }
        }
        Some(e) => {
            let note = format!(
                "a {:?} is where the bundle's {name} belongs; left as is",
                e.kind
            );
            ctx.out.push(Action::report(&e.rel, 0, note).warning());
            return false;
        }
    }
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
