//! The shape of the library, as `src/lib.rs` and the README's architecture section describe it:
//! imports between the files of `src/` run one way (no file reads a file that reads it back,
//! however far round), no file is over 600 lines before its unit tests, and the pipeline table
//! in `lib.rs` names every module the crate declares.
//!
//! Read from the source text, as a newcomer would: the `crate::…` and `super::…` paths of each
//! file (its unit tests and comments left out), and the child modules it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::root;

/// A module's path from the crate root, as `["parallel", "cut"]`; the root is `[]`.
type Module = Vec<String>;

/// Every library file of `src/` (the binary's `main.rs` and `cli.rs` aside, which are the thin
/// command line over the library), by module, with its text.
fn library_files() -> BTreeMap<Module, String> {
    let src = root().join("src");
    let mut files = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_str().unwrap();
            if !name.ends_with(".rs") || ["main.rs", "cli.rs", "tests.rs"].contains(&name) {
                continue;
            }
            files.insert(
                module_of(&src, &path),
                std::fs::read_to_string(&path).unwrap(),
            );
        }
    }
    files
}

fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "lib" || p == "mod") {
        parts.pop();
    }
    parts
}

/// The file's text before its unit tests, without comments.
fn code(text: &str) -> String {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words of each `a::b::c` path in `text` that starts right after `prefix` (`crate::`,
/// `super::`), with `{x, y::z}` groups opened into one path each.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &text[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                out.push(words(item.trim()));
            }
        } else {
            out.push(words(rest));
        }
    }
    out
}

/// The leading `a::b::c` of `s`.
fn words(s: &str) -> Vec<String> {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    s[..end]
        .split("::")
        .filter(|w| !w.is_empty() && *w != "self")
        .map(str::to_string)
        .collect()
}

/// The longest leading part of `path` that is a module of the crate.
fn resolve(modules: &BTreeSet<Module>, path: &[String]) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Which modules each module reads.
fn imports() -> BTreeMap<Module, BTreeSet<Module>> {
    let files = library_files();
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (me, text) in &files {
        let code = code(text);
        let mut reads = BTreeSet::new();
        for path in paths_after(&code, "crate::") {
            reads.extend(resolve(&modules, &path));
        }
        let parent = &me[..me.len().saturating_sub(1)];
        for path in paths_after(&code, "super::") {
            let full: Vec<String> = parent.iter().cloned().chain(path).collect();
            reads.insert(resolve(&modules, &full).unwrap_or_else(|| parent.to_vec()));
        }
        // A parent names its children by their own names (`mod cut;`, `pub use cut::X`).
        for m in &modules {
            if m.len() == me.len() + 1 && m.starts_with(me) {
                let child = m.last().unwrap();
                if code.contains(&format!("mod {child};")) {
                    reads.insert(m.clone());
                }
            }
        }
        reads.remove(me);
        // The crate root names every module; what it re-exports is no import of its own.
        if !me.is_empty() {
            reads.remove(&Vec::new());
        }
        graph.insert(me.clone(), reads);
    }
    graph
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("/")
    }
}

/// A cycle through `graph`, if there is one, as the modules along it.
fn a_cycle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    // Depth first; `path` is the walk so far, `done` what has no cycle behind it.
    fn visit(
        m: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        path: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.clone());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.clone());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn imports_between_the_files_of_src_run_one_way() {
    let graph = imports();
    // The reading works: the stages named in lib.rs read what lib.rs says they read.
    let reads = |a: &str, b: &str| graph[&words(a)].contains(&words(b));
    assert!(reads("sequential", "prefilter"));
    assert!(reads("prefilter", "squash"));
    assert!(reads("squash", "sink") && reads("ledger", "sink"));
    assert!(reads("parallel::schedule", "parallel::cut"));
    if let Some(cycle) = a_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(name).collect();
        panic!("an import cycle: {}", names.join(" → "));
    }
}

#[test]
fn a_cycle_is_found_where_there_is_one() {
    let m = |s: &str| words(s);
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    graph.insert(m("a"), [m("b")].into());
    graph.insert(m("b"), [m("c")].into());
    graph.insert(m("c"), BTreeSet::new());
    assert_eq!(a_cycle(&graph), None);
    graph.insert(m("c"), [m("a")].into());
    assert_eq!(a_cycle(&graph), Some(vec![m("a"), m("b"), m("c"), m("a")]));
}

#[test]
fn no_file_of_src_is_over_600_lines_before_its_unit_tests() {
    let src = root().join("src");
    let mut dirs = vec![src];
    let mut long = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n != "tests.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let before = text.find("#[cfg(test)]").map_or(&text[..], |i| &text[..i]);
                let lines = before.lines().count();
                if lines > 600 {
                    long.push(format!("{} ({lines} lines)", path.display()));
                }
            }
        }
    }
    assert!(long.is_empty(), "over 600 lines before the tests: {long:?}");
}

#[test]
fn the_pipeline_table_in_lib_rs_names_every_module() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let table: BTreeSet<&str> = lib
        .split("```text")
        .skip(1)
        .flat_map(|block| block[..block.find("```").unwrap()].lines())
        .filter_map(|l| l.trim_start_matches("//!").split_whitespace().next())
        .collect();
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let missing: Vec<_> = declared.difference(&table).collect();
    let stale: Vec<_> = table.difference(&declared).collect();
    assert!(
        missing.is_empty(),
        "modules lib.rs's table leaves out: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "names in lib.rs's table that are no module: {stale:?}"
    );
}
