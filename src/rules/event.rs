//! Events: one client abort that a server writes as several records (uWSGI's SIGPIPE notice,
//! its writer's error and Python's `OSError: write error`), counted once, with no record of it
//! left behind.
//!
//! A rule with an `event:` opens an event with every record it takes; the records that follow
//! it are *absorbed* into that event (squashed, counted in its lines and bytes but not as an
//! abort of their own) when one of the event's `follow` patterns matches them, the capture that
//! names the connection or request is the same, they begin and end within `within` lines of
//! the event's last record, and, with `same-second`, their timestamp is the event's second.
//!
//! Why a bound in lines: whether a record is absorbed depends on the few lines before it, never
//! on how the input was cut. A chunk decided on another thread, or a backlog of a pipe, starts
//! only at a line after which no follow pattern matches within the longest `within` of any
//! rule ([`Follows::cut_is_safe`]): no event can straddle such a cut, so each piece is decided
//! as one pass would decide it. And the assembler holds nothing for an event: its first record
//! is decided and told at once, so pipe timing changes nothing either.

use regex::bytes::Regex;

use super::pattern::compile;

/// The longest `within` a rule may give: the cut search looks this many lines ahead.
pub const MAX_WITHIN: usize = 64;

/// What a rule's event absorbs.
#[derive(Clone, Debug)]
pub struct EventSpec {
    /// Over the event's first record: its captures name the connection or request.
    pub key: Option<Regex>,
    /// One per pattern, over a following record: it matches, and what its captures hold (if
    /// it has any) must equal what the key's held.
    pub follow: Vec<Regex>,
    /// Over a following record: it ends the event (the request's own log line, say), when
    /// its captures (if any) are the key's. It is not absorbed.
    pub until: Vec<Regex>,
    /// A follow-up's last line is at most this many lines after the event's last record.
    pub within: usize,
    /// A follow-up with a timestamp must be in the event's second.
    pub same_second: bool,
}

/// Every rule's follow patterns at once, for cutting input where no event can straddle the cut.
#[derive(Clone, Debug, Default)]
pub struct Follows {
    any: Option<Regex>,
    /// The longest `within` of any rule.
    within: usize,
}

impl Follows {
    /// Over `specs` (each rule's event, if it has one).
    pub fn of<'a>(specs: impl Iterator<Item = &'a EventSpec>) -> Follows {
        let mut patterns = Vec::new();
        let mut within = 0;
        for spec in specs {
            within = within.max(spec.within);
            patterns.extend(spec.follow.iter().map(|re| format!("(?:{})", re.as_str())));
        }
        let any = (!patterns.is_empty())
            .then(|| compile(&patterns.join("|")).expect("each compiled alone"));
        Follows { any, within }
    }

    /// Whether input may be cut at `at` (a line start in `data`): no follow pattern matches in
    /// the `within` lines from there, so no record after the cut can belong to an event begun
    /// before it. Where `data` holds fewer lines from `at`, it is safe only if `data` ends
    /// where a record starts (`ends_at_record`): then every record in reach lies in it.
    pub fn cut_is_safe(&self, data: &[u8], at: usize, ends_at_record: bool) -> bool {
        let Some(any) = &self.any else {
            return true;
        };
        let mut end = at;
        for _ in 0..self.within {
            match memchr::memchr(b'\n', &data[end..]) {
                Some(nl) => end += nl + 1,
                None if ends_at_record => {
                    end = data.len();
                    break;
                }
                None => return false,
            }
        }
        !any.is_match(&data[at..end])
    }
}

/// An event still open: what a following record must show to belong to it.
#[derive(Clone, Debug)]
struct Open {
    rule: usize,
    /// Its key's capture, if its rule has a key and its first record showed one.
    key: Option<Vec<u8>>,
    /// What its first record was counted by: its follow-ups are counted in the same group.
    group: Vec<u8>,
    seconds: Option<i64>,
    /// The number of its last record's last line.
    last_line: u64,
    /// The number of its first record's first line.
    first_line: u64,
}

/// The events open at the current record, newest last: at most one per line of the widest
/// window, so the list stays short.
#[derive(Clone, Debug, Default)]
pub struct OpenEvents {
    open: Vec<Open>,
}

/// A record absorbed into an open event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absorbed {
    pub rule: usize,
    pub group: Vec<u8>,
    /// The event's first line, and what named it (for `--explain`).
    pub first_line: u64,
    pub key: Option<Vec<u8>>,
}

impl OpenEvents {
    /// Forgets every open event (the input is cut here, at a place no event straddles).
    pub fn clear(&mut self) {
        self.open.clear();
    }

    /// Whether an event is open that a record beginning on line `line_no` could still join.
    pub fn listening(&self, line_no: u64, specs: &[Option<&EventSpec>]) -> bool {
        self.open
            .iter()
            .any(|o| specs[o.rule].is_some_and(|s| line_no <= o.last_line + s.within as u64))
    }

    /// A record a rule with `spec` took (lines `first..=last`): it opens an event.
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        &mut self,
        rule: usize,
        spec: &EventSpec,
        record: &[u8],
        group: &[u8],
        seconds: Option<i64>,
        first: u64,
        last: u64,
    ) {
        let key = spec
            .key
            .as_ref()
            .and_then(|re| re.captures(record))
            .and_then(|c| captured(&c));
        self.open.push(Open {
            rule,
            key,
            group: group.to_vec(),
            seconds,
            last_line: last,
            first_line: first,
        });
    }

    /// Whether the record on lines `first..=last` belongs to an open event (the newest it can
    /// join); if so it is absorbed, and the event now ends with it. Events out of reach are
    /// forgotten on the way.
    pub fn absorb(
        &mut self,
        record: &[u8],
        seconds: Option<i64>,
        first: u64,
        last: u64,
        specs: &[Option<&EventSpec>],
    ) -> Option<Absorbed> {
        self.open
            .retain(|o| specs[o.rule].is_some_and(|s| first <= o.last_line + s.within as u64));
        for o in self.open.iter_mut().rev() {
            let spec = specs[o.rule].expect("kept above");
            if last > o.last_line + spec.within as u64 {
                continue;
            }
            if spec.same_second
                && let (Some(a), Some(b)) = (o.seconds, seconds)
                && a != b
            {
                continue;
            }
            let shows = |re: &Regex| match re.captures(record) {
                None => false,
                Some(c) => captured(&c).is_none_or(|v| o.key.as_ref() == Some(&v)),
            };
            if !spec.follow.iter().any(shows) {
                continue;
            }
            {
                o.last_line = last;
                return Some(Absorbed {
                    rule: o.rule,
                    group: o.group.clone(),
                    first_line: o.first_line,
                    key: o.key.clone(),
                });
            }
        }
        None
    }

    /// A record no event absorbed: the newest event whose `until` it matches ends with it.
    pub fn close(&mut self, record: &[u8], specs: &[Option<&EventSpec>]) {
        let ends = self.open.iter().rposition(|o| {
            specs[o.rule].is_some_and(|spec| {
                spec.until.iter().any(|re| match re.captures(record) {
                    None => false,
                    Some(c) => captured(&c).is_none_or(|v| o.key.as_ref() == Some(&v)),
                })
            })
        });
        if let Some(i) = ends {
            self.open.remove(i);
        }
    }
}

/// What a match's capture groups hold, those that took part, in sorted order (records name the
/// same request in different orders: uWSGI's access line gives the address first, its error
/// lines the path), a space between: the value two records must share. `None` where no group
/// took part.
fn captured(c: &regex::bytes::Captures<'_>) -> Option<Vec<u8>> {
    let mut values: Vec<&[u8]> = c.iter().skip(1).flatten().map(|m| m.as_bytes()).collect();
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values.join(&b' '))
}
