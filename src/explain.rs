//! `--explain`'s words: a line per candidate record, naming where it is and why it was kept or
//! squashed. The assembler says why a rule did not take a record, the ledger why one did; both
//! word it here, and the ledger names the place.

/// One decision about the record whose first line is `first_line`: `why`, then the first 120
/// bytes of that line (without its terminator), terminated.
pub fn note(why: &str, first_line: &[u8]) -> String {
    let first = first_line.strip_suffix(b"\n").unwrap_or(first_line);
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let shown = &first[..first.len().min(120)];
    format!("{why}: {}\n", String::from_utf8_lossy(shown))
}

/// Where each of several inputs begins in the stream of lines that all of them make, to name
/// a record's file and its line there rather than a count across all of them.
#[derive(Debug, Default)]
pub struct Places {
    inputs: Vec<InputStart>,
}

/// Where one of several inputs begins.
#[derive(Debug)]
struct InputStart {
    /// The first line, counted across inputs, that begins in this input.
    first_line: u64,
    /// Lines of the inputs before it: its own line numbers are counted from here.
    before: u64,
    /// The input as the user named it.
    name: String,
}

impl Places {
    /// Input `name` begins after `before` lines of earlier inputs, its first line being
    /// `first_line` (counted across inputs; one more when the earlier input's last line
    /// goes on into it).
    pub fn begin(&mut self, before: u64, first_line: u64, name: String) {
        self.inputs.push(InputStart {
            first_line,
            before,
            name,
        });
    }

    /// How a note names line `line_no` (counted across inputs): `line N: ` with one input,
    /// `FILE:N: ` with several, N counted in FILE.
    pub fn name(&self, line_no: u64) -> String {
        match self.inputs.iter().rev().find(|i| i.first_line <= line_no) {
            Some(input) => format!("{}:{}: ", input.name, line_no - input.before),
            None => format!("line {line_no}: "),
        }
    }
}
