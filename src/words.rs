//! English for counts in messages: "1 rule", "2 rules".

/// `n` and the noun in the number `n` asks for.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(
            counted(1, "summary line", "summary lines"),
            "1 summary line"
        );
        assert_eq!(counted(0, "rule", "rules"), "0 rules");
        assert_eq!(counted(2, "example", "examples"), "2 examples");
    }
}
