//! Terminal decisions made once: colour, progress bars, prompts.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ui {
    pub color: bool,
    pub progress: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub json: bool,
    /// Columns to wrap the human report to: only when stdout is a terminal.
    pub width: Option<usize>,
}

pub struct Terminal {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// `NO_COLOR` set to a non-empty value.
    pub no_color_env: bool,
    /// The terminal's width in columns, when stdout is one.
    pub width: Option<usize>,
}

/// Columns of the terminal on stdout; `None` when stdout is not a terminal.
#[cfg(unix)]
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let mut ws = std::mem::MaybeUninit::<libc::winsize>::zeroed();
    // SAFETY: TIOCGWINSZ fills a winsize for the terminal on fd 1; `ws` is sized for it.
    let rc = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, ws.as_mut_ptr()) };
    // SAFETY: zero-initialised, and filled when rc == 0.
    let ws = unsafe { ws.assume_init() };
    (rc == 0 && ws.ws_col > 0).then_some(usize::from(ws.ws_col))
}

#[cfg(not(unix))]
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal().then_some(80)
}

impl Ui {
    /// Colour only on a terminal (or when forced), never with NO_COLOR, --quiet or --json;
    /// progress only when stderr is a terminal and the output is not quiet or JSON.
    pub fn decide(
        choice: ColorChoice,
        quiet: bool,
        verbose: u8,
        json: bool,
        term: &Terminal,
    ) -> Ui {
        let color = !json
            && !quiet
            && match choice {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => term.stdout_tty && !term.no_color_env,
            };
        Ui {
            color,
            progress: term.stderr_tty && !quiet && !json,
            quiet,
            verbose,
            json,
            width: term.width.filter(|_| term.stdout_tty && !json),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(tty: bool, no_color: bool) -> Terminal {
        Terminal {
            stdout_tty: tty,
            stderr_tty: tty,
            no_color_env: no_color,
            width: tty.then_some(80),
        }
    }

    #[test]
    fn colour_and_progress_rules() {
        let ui = Ui::decide(ColorChoice::Auto, false, 0, false, &term(true, false));
        assert!(ui.color && ui.progress);
        assert!(!Ui::decide(ColorChoice::Auto, false, 0, false, &term(false, false)).color);
        assert!(!Ui::decide(ColorChoice::Auto, false, 0, false, &term(false, false)).progress);
        assert!(!Ui::decide(ColorChoice::Auto, false, 0, false, &term(true, true)).color);
        let json = Ui::decide(ColorChoice::Always, false, 0, true, &term(true, false));
        assert!(!json.color && !json.progress);
        let quiet = Ui::decide(ColorChoice::Always, true, 0, false, &term(true, false));
        assert!(!quiet.color && !quiet.progress);
        assert!(Ui::decide(ColorChoice::Always, false, 0, false, &term(false, false)).color);
        assert_eq!(ui.width, Some(80));
        assert_eq!(json.width, None, "JSON is never wrapped");
    }
}
