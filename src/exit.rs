//! Exit codes: the whole contract with scripts, in one place.
//!
//! Documented in the README and in `--help`; tests assert each of them.

/// Everything went well (also: our output was closed early, as by `| head`).
pub const SUCCESS: u8 = 0;
/// An input could not be read (also: a gzip input is damaged; what came before the damage was
/// still written), or the output could not be written (a full disk; from a pipe, output that
/// could not be written for a time and was dropped, as the log then says).
pub const IO_ERROR: u8 = 1;
/// Bad usage, a rules file that is invalid or whose examples fail, or a `--metrics` file that
/// is not one of ours.
pub const USAGE_OR_RULES: u8 = 2;
/// The system refused what the run needs to start (threads, signal handlers): not the
/// caller's doing, so not 2, and worth retrying once the machine has room again.
pub const SETUP: u8 = 3;

/// The exit code for an error.
pub fn for_error(e: &crate::Error) -> u8 {
    use crate::Error;
    match e {
        _ if e.is_broken_pipe() => SUCCESS,
        Error::Input { .. } | Error::Damaged(_) | Error::Output { .. } | Error::Lost { .. } => {
            IO_ERROR
        }
        Error::RulesFile { .. } | Error::Rules(_) | Error::Usage(_) | Error::Metrics { .. } => {
            USAGE_OR_RULES
        }
        Error::Setup(_) => SETUP,
    }
}
