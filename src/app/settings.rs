//! Fill what the command line left unset from the project's settings file (`[tool.cpslim]` in
//! pyproject.toml, or cpslim.toml). Only for a PATH given on the command line: a board found by
//! detection, or a PATH that is a board, never configures cpslim.

use std::path::Path;

use crate::cli::StageArgs;
use crate::error::Error;
use crate::project_settings::{self, ProjectSettings};
use crate::ui::Ui;

/// `budget` is `None` for commands without `--budget` (audit): the file's budget is ignored.
pub(super) fn apply(
    given_path: Option<&Path>,
    args: &mut StageArgs,
    budget: Option<&mut Option<String>>,
    ui: &Ui,
) -> anyhow::Result<()> {
    let Some(path) = given_path else {
        return Ok(());
    };
    let Some(file) = project_settings::find(path)? else {
        return Ok(());
    };
    if !ui.quiet {
        eprintln!(
            "cpslim: settings from {} ({})",
            file.file.display(),
            file.table
        );
    }
    fill(args, budget, file)
}

/// Flags win: a value from the file is used only where the flag was not given.
fn fill(
    args: &mut StageArgs,
    budget: Option<&mut Option<String>>,
    file: ProjectSettings,
) -> anyhow::Result<()> {
    let names = |v: &[crate::config::StageName]| v.iter().map(|n| n.to_string()).collect();
    if args.only.is_empty() && args.skip.is_empty() {
        args.only = names(&file.only);
        args.skip = names(&file.skip);
    }
    let dither_from_file = file.dither && !args.dither;
    args.empty_trash |= file.empty_trash;
    args.remap_palette |= file.remap_palette;
    args.two_bpp |= file.two_bpp;
    args.decompress_rle |= file.decompress_rle;
    args.dither |= file.dither;
    args.keep_names |= file.keep_names;
    args.prune |= file.prune;
    args.assume_static_imports |= file.assume_static_imports;
    args.compile |= file.compile;
    args.font_format = args.font_format.or(file.font_format);
    args.image_format = args.image_format.or(file.image_format);
    args.cluster_size = args
        .cluster_size
        .take()
        .or(file.cluster_size.map(|n| n.to_string()));
    args.cp_version = args.cp_version.take().or(file.cp_version);
    args.board = args.board.take().or(file.board);
    args.colors = args.colors.or(file.colors);
    args.charset = args.charset.take().or(file.charset);
    if args.bundle.is_empty() {
        args.bundle = file.bundles;
    }
    if let Some(budget) = budget {
        *budget = budget.take().or(file.budget.map(|n| n.to_string()));
    }
    if dither_from_file && args.colors.is_none() {
        let key = if file.table == project_settings::CPSLIM_TOML {
            "dither"
        } else {
            "tool.cpslim.dither"
        };
        return Err(Error::Settings {
            path: file.file,
            key: key.into(),
            reason: "needs `colors` (in the file or as --colors)".into(),
        }
        .into());
    }
    Ok(())
}
