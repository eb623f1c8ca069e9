//! The driver: every input in order, like `cat`, into one output, through the record stage.
//!
//! It picks the way to run: files on several threads ([`crate::parallel`]), or one sequential
//! stage ([`crate::sequential`]) fed from files or, for a live input, by [`crate::pipe`].

use std::io::Write;

use crate::config::Config;
use crate::error::{self, Error};
use crate::input;
use crate::output::{Destination, Output};
use crate::parallel;
use crate::pipe;
use crate::rules::RuleSet;
use crate::sequential::Sequential;
use crate::sink::Stats;

/// Filters every input of `config` into `out`, named `out_name` in errors.
///
/// With more than one thread and no live input, the work is spread over threads by
/// [`parallel::run`]; the output is the same byte for byte.
///
/// A damaged gzip input ends where the damage is; the run goes on, and fails at its end with
/// [`Error::Damaged`], after `out` was given and flushed everything read (so a caller writing
/// to a temporary file must not keep it).
pub fn run<W: Write + Destination>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W), Error> {
    if config.threads > 1 && !config.explain && !config.inputs.iter().any(input::is_live) {
        return parallel::run(config, rules, out, out_name);
    }
    let live = config.inputs.iter().any(input::is_live);
    let out = Output::new(out, out_name).keep_going(live && config.keep_going);
    let mut stage = Sequential::new(config, rules, out);
    // Caught before the first input is opened: opening reads its first bytes, and a SIGHUP
    // or SIGTERM while a server has written nothing yet must not end the run by default.
    let signals = if live && config.handle_signals {
        Some(pipe::Signals::catch()?)
    } else {
        None
    };
    let name_inputs = config.explain && config.inputs.len() > 1;
    let mut damaged = Vec::new();
    for source in &config.inputs {
        let mut opened = input::open(source, config.read_size)?;
        let damage = opened.damage.clone();
        if name_inputs {
            stage.begin_input(source);
        }
        if opened.live {
            let signals = signals.as_ref();
            if let pipe::Ended::Signal(sig) =
                pipe::read_live(opened, config, rules, &mut stage, signals)?
            {
                let (mut stats, out) = stage.finish()?;
                stats.signal = Some(sig);
                damaged.extend(damage.get().cloned());
                return error::end_of_run(stats, out, out_name, damaged);
            }
        } else {
            let mut buf = vec![0; config.read_size.max(1)];
            loop {
                let n = opened.read_some(&mut buf)?;
                if n == 0 {
                    break;
                }
                stage.feed(&buf[..n])?;
                stage.ledger.flush()?;
            }
        }
        damaged.extend(damage.get().cloned());
    }
    let (stats, out) = stage.finish()?;
    error::end_of_run(stats, out, out_name, damaged)
}

/// [`run`], with the output gzip-compressed into `out`: the stream is finished (its trailer
/// written) and `out` flushed before the counts are handed back.
pub fn run_gzip<W: Write>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W), Error> {
    let encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let (stats, encoder) = run(config, rules, encoder, out_name)?;
    let out = encoder
        .finish()
        .and_then(|mut out| out.flush().map(|()| out))
        .map_err(|source| Error::Output {
            what: out_name.to_string(),
            source,
        })?;
    Ok((stats, out))
}
