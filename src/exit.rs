//! Exit codes, documented in the README and tested.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything planned was done (or there was nothing to do).
    Success,
    /// `--budget` was exceeded.
    Budget,
    /// At least one action (or file) failed; the rest were applied and reported.
    Failed,
    /// Usage or configuration error; nothing was changed.
    Usage,
    /// Ctrl-C: the file in progress was finished, the backup is valid.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Budget => 3,
            Exit::Interrupted => 130,
        }
    }

    /// When several things went wrong, the most serious wins: interrupted, usage, failed, budget.
    pub fn merge(self, other: Exit) -> Exit {
        self.max(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_precedence() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::Failed.code(), 1);
        assert_eq!(Exit::Usage.code(), 2);
        assert_eq!(Exit::Budget.code(), 3);
        assert_eq!(Exit::Interrupted.code(), 130);
        assert_eq!(Exit::Budget.merge(Exit::Failed), Exit::Failed);
        assert_eq!(Exit::Failed.merge(Exit::Interrupted), Exit::Interrupted);
        assert_eq!(Exit::Success.merge(Exit::Budget), Exit::Budget);
    }
}
