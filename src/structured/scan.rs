//! One JSON object on one line, read lazily: checked whole (a line that is not JSON is not a
//! record of a JSON log, and goes through untouched), its top-level members found once, and
//! only the values a profile asks for decoded. No tree is built: a structured log's lines are
//! mostly fields no rule reads, and every line of such a log passes here.

use std::ops::Range;

/// What kind of value a member holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Str,
    Num,
    Bool,
    Null,
    Obj,
    Arr,
}

/// A value: its kind and where its text lies in the line (a string's without its quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Val {
    pub ty: Type,
    pub at: Range<usize>,
}

/// An object's members: each key's encoded text and its value.
pub type Members = Vec<(Range<usize>, Val)>;

/// The members of `line` (without its terminator) if it is one JSON object and nothing else
/// (white space around it allowed), into `out`.
pub fn object(line: &[u8], out: &mut Members) -> bool {
    out.clear();
    let mut p = Parser { s: line, i: 0 };
    p.ws();
    if p.peek() != Some(b'{') {
        return false;
    }
    let ok = p.members(Some(out), 0).is_some();
    p.ws();
    ok && p.i == line.len()
}

/// The members of an object value already checked by [`object`] (`at` its braces).
pub fn members_of(line: &[u8], at: &Range<usize>, out: &mut Members) {
    out.clear();
    let mut p = Parser {
        s: &line[..at.end],
        i: at.start,
    };
    let _ = p.members(Some(out), 0);
}

/// The elements of an array value already checked by [`object`].
pub fn elements_of(line: &[u8], at: &Range<usize>) -> Vec<Val> {
    let mut p = Parser {
        s: &line[..at.end],
        i: at.start + 1,
    };
    let mut out = Vec::new();
    p.ws();
    if p.peek() == Some(b']') {
        return out;
    }
    while let Some(v) = p.value(1) {
        out.push(v);
        p.ws();
        if p.bump() != Some(b',') {
            break;
        }
    }
    out
}

/// Nesting deeper than this is not a log record (and must not cost a stack).
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    /// `{ … }` at `i`; its members to `out` if asked.
    fn members(&mut self, mut out: Option<&mut Members>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH || self.bump()? != b'{' {
            return None;
        }
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            (self.bump()? == b':').then_some(())?;
            let v = self.value(depth + 1)?;
            if let Some(out) = out.as_deref_mut() {
                out.push((key, v));
            }
            self.ws();
            match self.bump()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Val> {
        self.ws();
        let start = self.i;
        let ty = match self.peek()? {
            b'"' => {
                let at = self.string()?;
                return Some(Val { ty: Type::Str, at });
            }
            b'{' => {
                self.members(None, depth)?;
                Type::Obj
            }
            b'[' => {
                self.array(depth)?;
                Type::Arr
            }
            b't' => self.literal(b"true", Type::Bool)?,
            b'f' => self.literal(b"false", Type::Bool)?,
            b'n' => self.literal(b"null", Type::Null)?,
            _ => {
                self.number()?;
                Type::Num
            }
        };
        Some(Val {
            ty,
            at: start..self.i,
        })
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(());
        }
        loop {
            self.value(depth + 1)?;
            self.ws();
            match self.bump()? {
                b',' => {}
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8], ty: Type) -> Option<Type> {
        self.s[self.i..].starts_with(word).then_some(())?;
        self.i += word.len();
        Some(ty)
    }

    fn number(&mut self) -> Option<()> {
        let digits = |p: &mut Self| {
            let start = p.i;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.i += 1;
            }
            p.i > start
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            digits(self).then_some(())?;
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            digits(self).then_some(())?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            digits(self).then_some(())?;
        }
        Some(())
    }

    /// A string at `i`: where its text lies. Escapes are checked here, so that decoding a
    /// value later cannot fail.
    fn string(&mut self) -> Option<Range<usize>> {
        (self.bump()? == b'"').then_some(())?;
        let start = self.i;
        loop {
            // Most of a string is plain text: skip to the next quote or backslash at once.
            let at = memchr::memchr2(b'"', b'\\', &self.s[self.i..])?;
            if self.s[self.i..self.i + at].iter().any(|&b| b < 0x20) {
                return None;
            }
            self.i += at;
            match self.bump()? {
                b'"' => return Some(start..self.i - 1),
                _ => match self.bump()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        let hex = self.s.get(self.i..self.i + 4)?;
                        hex.iter().all(u8::is_ascii_hexdigit).then_some(())?;
                        self.i += 4;
                    }
                    _ => return None,
                },
            }
        }
    }
}

/// The value at `path` among `members`, its dots read both ways: a flat key (`log.level`),
/// nested objects (`{"log":{"level":…}}`), or any mix of the two.
pub fn find(line: &[u8], members: &[(Range<usize>, Val)], path: &str) -> Option<Val> {
    let path = path.as_bytes();
    for (key, v) in members {
        let key = &line[key.clone()];
        if key == path {
            return Some(v.clone());
        }
        if v.ty == Type::Obj
            && let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix(b"."))
        {
            let mut inner = Vec::new();
            members_of(line, &v.at, &mut inner);
            if let Some(found) = find(line, &inner, std::str::from_utf8(rest).ok()?) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &str, path: &str) -> Option<String> {
        let mut m = Vec::new();
        assert!(object(line.as_bytes(), &mut m), "{line}");
        find(line.as_bytes(), &m, path).map(|v| line[v.at].to_string())
    }

    #[test]
    fn a_field_path_resolves_flat_nested_and_mixed() {
        let flat =
            r#"{"@timestamp":"2026-11-24T15:35:04.123Z","log.level":"ERROR","log.logger":"x"}"#;
        let nested = r#"{"@timestamp":"2026","log":{"level":"ERROR","logger":"x"}}"#;
        let mixed = r#"{"error":{"stack_trace":"a\nb"},"process.thread.name":"exec-1"}"#;
        assert_eq!(text(flat, "log.level").as_deref(), Some("ERROR"));
        assert_eq!(text(nested, "log.level").as_deref(), Some("ERROR"));
        assert_eq!(
            text(nested, "log").as_deref(),
            Some(r#"{"level":"ERROR","logger":"x"}"#)
        );
        assert_eq!(text(mixed, "error.stack_trace").as_deref(), Some(r"a\nb"));
        assert_eq!(
            text(mixed, "process.thread.name").as_deref(),
            Some("exec-1")
        );
        assert_eq!(text(flat, "log.thread"), None);
    }

    #[test]
    fn only_one_whole_json_object_is_a_record() {
        let mut m = Vec::new();
        for good in [
            r#"{}"#,
            r#" {"a":[1,-2.5e3,true,null,{"b":"\u00e9\n"}]} "#,
            r#"{"a":"\ud83d\ude00"}"#,
        ] {
            assert!(object(good.as_bytes(), &mut m), "{good}");
        }
        for bad in [
            "",
            "plain text",
            r#"{"a":1"#,
            r#"{"a":1}x"#,
            r#"{"a":01}"#,
            r#"{"a":"\q"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":tru}"#,
            r#"[1]"#,
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
        ] {
            assert!(!object(bad.as_bytes(), &mut m), "{bad}");
        }
        let deep = "[".repeat(1000);
        assert!(!object(format!("{{\"a\":{deep}}}").as_bytes(), &mut m));
    }
}
