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
}

pub struct Terminal {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// `NO_COLOR` set to a non-empty value.
    pub no_color_env: bool,
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
    }
}
