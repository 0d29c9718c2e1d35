//! `cpslim completions SHELL` and `cpslim man`: generated from the clap definition, so they
//! always list the flags this binary has.

use std::io::Write;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::Exit;

pub(super) fn completions(shell: clap_complete::Shell) -> anyhow::Result<Exit> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cpslim", &mut out);
    print(&out)
}

pub(super) fn man_page() -> anyhow::Result<Exit> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .context("cannot render the man page")?;
    print(&out)
}

fn print(bytes: &[u8]) -> anyhow::Result<Exit> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(Exit::Success)
}
